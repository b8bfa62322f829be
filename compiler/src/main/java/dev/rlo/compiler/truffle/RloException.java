package dev.rlo.compiler.truffle;

import com.oracle.truffle.api.exception.AbstractTruffleException;

/** A user's mistake (a check error, a bad input) as a guest exception: the host sees rlo's message. */
final class RloException extends AbstractTruffleException {

    RloException(String message) {
        super(message);
    }
}
