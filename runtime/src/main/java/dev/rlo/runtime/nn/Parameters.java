package dev.rlo.runtime.nn;

/** What an optimizer updates: a flat parameter array and the gradient with respect to it, laid out alike. */
public interface Parameters {

    float[] params();

    float[] grad();
}
