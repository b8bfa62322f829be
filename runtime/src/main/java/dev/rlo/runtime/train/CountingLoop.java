package dev.rlo.runtime.train;

import dev.rlo.runtime.Rng;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What every loop keeps: its step and episode counts and its random stream, saved to a checkpoint
 * ahead of the loop's own state ({@link #saveState}).
 */
abstract class CountingLoop implements Loop {

    /** The loop's draws: actions, shuffles, minibatches, prompts. */
    protected final Rng rng;
    protected long steps;
    protected long episodes;

    CountingLoop(long seed) {
        this.rng = Rng.stream(seed, -1);
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final long episodes() {
        return episodes;
    }

    @Override
    public final void save(DataOutput out) throws IOException {
        out.writeLong(steps);
        out.writeLong(episodes);
        out.writeLong(rng.state());
        saveState(out);
    }

    @Override
    public final void restore(DataInput in) throws IOException {
        steps = in.readLong();
        episodes = in.readLong();
        rng.setState(in.readLong());
        restoreState(in);
    }

    /** Everything else that changes while the loop runs: environments, networks, optimizer, buffers. */
    protected abstract void saveState(DataOutput out) throws IOException;

    protected abstract void restoreState(DataInput in) throws IOException;
}
