/**
 * The training runtime: vectorised environments, networks on ND4J and the on-policy, off-policy,
 * group-sampling and preference loops that {@code rlo train} runs from a {@code train} block
 * (spec/train.md). Built out by the training-runtime issue; for now the module only anchors the
 * layout, so that the build, the launcher and CI already include it.
 */
package dev.rlo.runtime;
