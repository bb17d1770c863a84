package org.maomao.cli;

/** The CLI's exit codes, the same for every command. */
public enum ExitCode {
    OK(0), FAILED(1), USAGE(2), UNREACHABLE(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
