/**
 * The training runtime: vectorised environments, MLPs with the Vector API, and the on-policy,
 * off-policy, group-sampling and preference loops that {@code rlo train} runs from a {@code train}
 * block (spec/runtime.md). {@link dev.rlo.runtime.train.Trainer} is the entry point.
 */
package dev.rlo.runtime;
