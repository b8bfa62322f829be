package dev.rlo.runtime.env;

import java.util.ArrayList;
import java.util.List;

/**
 * FrozenLake-v1 as Gymnasium 1.x defines it (gymnasium/envs/toy_text/frozen_lake.py), the 4×4 map
 * and slippery ice: the agent moves in the intended direction (0 left, 1 down, 2 right, 3 up) with
 * probability 1/3 and to either side with (1 − 1/3)/2 each, staying put at the edges. Reward 1 on
 * reaching G; terminated in a hole H or at G; truncated after 100 steps. The observation is the
 * one-hot cell, f32[16]. A test compares the whole transition table with Gymnasium's.
 */
public final class FrozenLake extends Tabular {

    static final String[] MAP = {"SFFF", "FHFH", "FFFH", "HFFG"};
    static final double SUCCESS = 1.0 / 3.0;
    static final double FAIL = (1.0 - SUCCESS) / 2.0;

    public FrozenLake(int envs, long seed) {
        super(envs, 16, 100, seed);
    }

    @Override
    public String id() {
        return "FrozenLake-v1";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(4, 1, 0, 3);
    }

    @Override
    int start() {
        return 0;
    }

    @Override
    List<Outcome> outcomes(int state, int action) {
        int row = state / 4;
        int col = state % 4;
        if ("GH".indexOf(MAP[row].charAt(col)) >= 0) {
            return List.of(new Outcome(1.0, state, 0, true));
        }
        List<Outcome> out = new ArrayList<>();
        for (int b : new int[] {Math.floorMod(action - 1, 4), action, (action + 1) % 4}) {
            int r = b == 1 ? Math.min(row + 1, 3) : b == 3 ? Math.max(row - 1, 0) : row;
            int c = b == 0 ? Math.max(col - 1, 0) : b == 2 ? Math.min(col + 1, 3) : col;
            char letter = MAP[r].charAt(c);
            out.add(new Outcome(b == action ? SUCCESS : FAIL, r * 4 + c, letter == 'G' ? 1 : 0, letter == 'G' || letter == 'H'));
        }
        return out;
    }
}
