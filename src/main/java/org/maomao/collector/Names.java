package org.maomao.collector;

import java.util.regex.Pattern;

/**
 * Validation of names that become paths, container labels and URL segments:
 * collectors and datasets. A valid name cannot contain {@code /} or start with a
 * dot, so it can never escape the directory it is joined to.
 */
public final class Names {
    /** The one pattern for collector and dataset names. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    /** The dataset value that keeps a run's output under the run's own folder. */
    public static final String NO_DATASET = "none";
    /**
     * The reserved dataset of the runs' own series (duration, rows, bytes, exit code): kept in the
     * series store only, never a git dataset; no dataset can be named so (a name cannot start with '_').
     */
    public static final String RUNS_DATASET = "_maomao";

    private Names() {
    }

    /** Whether {@code name} can name the dataset of a series: a dataset name, or {@link #RUNS_DATASET}. */
    public static boolean isSeriesDataset(String name) {
        return RUNS_DATASET.equals(name) || isValid(name);
    }

    /** Whether {@code name} is a valid collector or dataset name. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Returns {@code name} if valid, else throws with a sentence that says what a name may
     * contain. {@code kind} is "collector" or "dataset".
     */
    public static String require(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(kind + " name is missing: give a name like \"weather\" "
                    + "(lower-case letters, digits, '_', '.', '-'; at most 64 characters).");
        }
        if (!isValid(name)) {
            throw new InvalidNameException(kind + " name \"" + abbreviate(name) + "\" is invalid: a name "
                    + "starts with a lower-case letter or digit and continues with lower-case letters, "
                    + "digits, '_', '.' or '-', at most 64 characters in all.");
        }
        return name;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** A name that failed validation; the message is meant for a person. */
    public static final class InvalidNameException extends IllegalArgumentException {
        public InvalidNameException(String message) {
            super(message);
        }
    }
}
