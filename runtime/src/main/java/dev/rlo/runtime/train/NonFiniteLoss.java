package dev.rlo.runtime.train;

import dev.rlo.compiler.base.UserError;

/** A loss that is not finite: training stops at the step that produced it, before any weight changes. */
public final class NonFiniteLoss extends UserError {

    private final long step;

    NonFiniteLoss(double loss, long step) {
        super("training stopped: the loss is " + loss + " at environment step " + step
                + "; this minibatch changed no weight, and the last checkpoint is as it was");
        this.step = step;
    }

    /** The environment step at which the loss stopped being finite. */
    public long step() {
        return step;
    }
}
