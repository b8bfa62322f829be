package dev.rlo.runtime.env;

import java.util.List;

/**
 * CliffWalking-v1 as Gymnasium 1.x defines it (gymnasium/envs/toy_text/cliffwalking.py; Sutton &
 * Barto 2018, Example 6.6): a 4×12 grid, start at the bottom left, goal at the bottom right, the cliff
 * between them. Actions 0 up, 1 right, 2 down, 3 left (walls hold the agent in); reward −1 per step,
 * −100 for stepping into the cliff, which sends the agent back to the start without ending the episode;
 * terminated at the goal. Gymnasium registers no time limit; rlo truncates after {@code maxSteps}
 * (default 500) so that a greedy policy walking in circles still ends its evaluation. The observation
 * is the one-hot cell, f32[48]. A test compares the whole transition table with Gymnasium's.
 */
public final class CliffWalking extends Tabular {

    static final int ROWS = 4;
    static final int COLS = 12;
    static final int START = 36;

    public CliffWalking(int envs, long seed, int maxSteps) {
        super(envs, ROWS * COLS, maxSteps, seed);
    }

    @Override
    public String id() {
        return "CliffWalking-v1";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(4, 1, 0, 3);
    }

    @Override
    int start() {
        return START;
    }

    @Override
    List<Outcome> outcomes(int state, int action) {
        int row = state / COLS;
        int col = state % COLS;
        int r = Math.min(Math.max(row + (action == 0 ? -1 : action == 2 ? 1 : 0), 0), ROWS - 1);
        int c = Math.min(Math.max(col + (action == 1 ? 1 : action == 3 ? -1 : 0), 0), COLS - 1);
        if (r == ROWS - 1 && c > 0 && c < COLS - 1) {
            return List.of(new Outcome(1.0, START, -100, false));
        }
        return List.of(new Outcome(1.0, r * COLS + c, -1, r == ROWS - 1 && c == COLS - 1));
    }
}
