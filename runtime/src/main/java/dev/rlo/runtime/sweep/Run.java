package dev.rlo.runtime.sweep;

import dev.rlo.compiler.io.Sha256;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a sweep: a train block with overrides, a seed and a budget, which is exactly the
 * {@code rlo train} command {@link #args()} gives (spec/train.md#runs). {@code config} names its
 * configuration (the swept values without the seed); {@code id} is its number and a hash of its
 * arguments, the name of its run directory.
 */
public record Run(String id, String config, String train, String objective, Map<String, String> set, long seed,
                  long steps) implements Serializable {

    public Run {
        set = new LinkedHashMap<>(set);
    }

    /** A run numbered {@code index} (from 1) of {@code count}, its id derived from its arguments. */
    static Run of(int index, int count, String config, String train, String objective, Map<String, String> set,
                  long seed, long steps) {
        Run r = new Run("", config, train, objective, set, seed, steps);
        String number = String.format("%0" + Math.max(3, Integer.toString(count).length()) + "d", index);
        String hash = Sha256.hex(String.join("\u0000", r.args()).getBytes(StandardCharsets.UTF_8)).substring(0, 8);
        return new Run(number + "-" + hash, config, train, objective, set, seed, steps);
    }

    /** The arguments of {@code rlo train FILE} that make this run (without {@code --out}). */
    public List<String> args() {
        List<String> a = new ArrayList<>(List.of("--train", train));
        if (objective != null) {
            a.addAll(List.of("--objective", objective));
        }
        set.forEach((k, v) -> a.addAll(List.of("--set", k + "=" + v)));
        a.addAll(List.of("--seed", Long.toString(seed), "--steps", Long.toString(steps)));
        return a;
    }

    /** The run as JSON fields, for sweep.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("config", config);
        m.put("train", train);
        m.put("objective", objective);
        m.put("set", set);
        m.put("seed", seed);
        m.put("steps", steps);
        return m;
    }

    /** The run {@link #toJson} wrote. */
    @SuppressWarnings("unchecked")
    public static Run fromJson(Map<?, ?> m) {
        Map<String, String> set = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("set")).forEach((k, v) -> set.put(k, (String) v));
        return new Run((String) m.get("id"), (String) m.get("config"), (String) m.get("train"), (String) m.get("objective"),
                set, ((Number) m.get("seed")).longValue(), ((Number) m.get("steps")).longValue());
    }
}
