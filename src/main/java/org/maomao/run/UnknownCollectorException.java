package org.maomao.run;

/** A run was asked for a collector that is not registered. */
public final class UnknownCollectorException extends RuntimeException {
    public UnknownCollectorException(String name) {
        super("collector \"" + name + "\" is not registered: register it first with POST /register "
                + "{\"name\":\"" + name + "\",\"url\":\"<image>\"}.");
    }
}
