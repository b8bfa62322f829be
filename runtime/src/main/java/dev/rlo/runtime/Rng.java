package dev.rlo.runtime;

/**
 * The runtime's random numbers: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014), whose whole state is one {@code long}, so a checkpoint saves it exactly
 * and a resumed run draws the same numbers as an uninterrupted one.
 */
public final class Rng {

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** An independent stream for {@code index} (an environment copy, a network), derived from this seed. */
    public static Rng stream(long seed, long index) {
        Rng r = new Rng(seed ^ 0x632BE59BD9B4E019L * (index + 1));
        r.nextLong();
        return r;
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        long z = state += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), 53 bits. */
    public double uniform() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public double uniform(double low, double high) {
        return low + (high - low) * uniform();
    }

    /** Uniform in [0, n). */
    public int below(int n) {
        return (int) ((nextLong() >>> 33) * n >>> 31);
    }

    /** Standard normal, by Box–Muller (one of the pair; simple and exactly reproducible). */
    public double normal() {
        double u = 1 - uniform();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    }
}
