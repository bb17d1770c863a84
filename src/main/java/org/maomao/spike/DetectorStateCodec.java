package org.maomao.spike;

/**
 * The exact text form of a {@link DetectorState}, the one the daemon stores per series between
 * runs: {@code s1} (window, running mean and M2, cool-downs), {@code s2} (also cadence and
 * season), {@code s3} (also the anomaly likelihood of {@link SpikeMethod#LIKELIHOOD}) or {@code s4} (also the
 * outlier run and the record rule's maxima). Doubles are written in their shortest exact form, so a decoded state continues with
 * bit-identical results; a change of layout is a new format tag here, and decode still reads the old ones.
 */
final class DetectorStateCodec {
    /** Version tag of the encoded form, so a future layout can still read (or reject) this one. */
    private static final String FORMAT = "s1";
    private static final char FIELD = ';';
    private static final char VALUE = ',';
    private static final String FORMAT_2 = "s2";
    /** s2 plus the anomaly likelihood ({@link SpikeMethod#LIKELIHOOD}); written only when that state is in use. */
    private static final String FORMAT_3 = "s3";
    /** s3 plus the outlier run and the record rule's maxima; written whenever either is in use. */
    private static final String FORMAT_4 = "s4";
    /** s4 plus {@code season = auto}'s weekly check and offsets; written whenever auto has looked for a week. */
    private static final String FORMAT_5 = "s5";

    private DetectorStateCodec() {
    }

    /**
     * A compact text form, e.g. {@code s1;60;1234;0;5;20.5;3.25;7;20,21,19.5,...}: format, lag,
     * count, cool-down up, cool-down down, mean, M2, updates since the last recompute, then the
     * window oldest first. Doubles are written in their shortest exact form so that
     * {@link #decode(String)} restores them bit for bit.
     */
    static String encode(DetectorState s) {
        boolean weekly = s.weeklyCheck != null || s.weeklyDecided || s.weekOffsets != null;
        boolean extended = weekly || s.outlierRun != 0 || s.record != null;
        boolean likelihood = extended || s.historyCount > 0 || s.recentSize > 0 || s.likelihoodCooldown > 0
                || s.historyPoints > 0;
        boolean plain = !likelihood && !s.resolved && s.steps.length == 0 && Double.isNaN(s.lastTime)
                && s.seasonMode == DetectorState.SEASON_NONE;
        StringBuilder out = new StringBuilder(64 + (s.size + (s.profile == null ? 0 : s.profile.length)) * 12);
        out.append(plain ? FORMAT : weekly ? FORMAT_5 : extended ? FORMAT_4 : likelihood ? FORMAT_3 : FORMAT_2).append(FIELD).append(s.lag).append(FIELD).append(s.count)
                .append(FIELD).append(s.cooldownUp).append(FIELD).append(s.cooldownDown)
                .append(FIELD).append(number(s.mean)).append(FIELD).append(number(s.m2))
                .append(FIELD).append(s.sinceRecompute).append(FIELD);
        for (int i = 0; i < s.size; i++) {
            if (i > 0) {
                out.append(VALUE);
            }
            out.append(number(s.window[(s.start + i) % s.lag]));
        }
        if (plain) {
            return out.toString();
        }
        // s2 adds: resolved, step, cool-down points, last time, steps, season mode, phase seconds,
        // points seen in the season, the values kept for auto, and the profile (empty cells for unseen phases).
        out.append(FIELD).append(s.resolved ? 1 : 0).append(FIELD).append(number(s.step))
                .append(FIELD).append(s.cooldownPoints).append(FIELD).append(number(s.lastTime)).append(FIELD);
        for (int i = 0; i < s.steps.length; i++) {
            out.append(i > 0 ? "," : "").append(number(s.steps[i]));
        }
        out.append(FIELD).append(s.seasonMode).append(FIELD).append(number(s.phaseSeconds))
                .append(FIELD).append(s.seasonSeen).append(FIELD);
        for (int i = 0; i < s.autoSize; i++) {
            out.append(i > 0 ? "," : "").append(number(s.autoValues[i]));
        }
        out.append(FIELD);
        if (s.profile != null) {
            out.append(s.profile.length).append(':');
            for (int i = 0; i < s.profile.length; i++) {
                if (i > 0) {
                    out.append(VALUE);
                }
                if (!Double.isNaN(s.profile[i])) {
                    out.append(number(s.profile[i]));
                }
            }
        }
        if (likelihood) {
            // s3 adds: history points, likelihood cool-down, history count, mean and variance, recent |z| oldest first.
            out.append(FIELD).append(s.historyPoints).append(FIELD).append(s.likelihoodCooldown)
                    .append(FIELD).append(s.historyCount).append(FIELD).append(number(s.historyMean))
                    .append(FIELD).append(number(s.historyVariance)).append(FIELD);
            for (int i = 0; i < s.recentSize; i++) {
                out.append(i > 0 ? "," : "").append(number(s.recent[(s.recentStart + i) % DetectorState.RECENT]));
            }
        }
        if (extended) {
            // s4 adds: the outlier run, then the record as block points, next block, points in the
            // current block, its maximum, and the blocks' maxima (empty when the rule is off).
            out.append(FIELD).append(s.outlierRun).append(FIELD);
            RecentMaximum r = s.record;
            if (r != null) {
                out.append(r.blockPoints).append(':').append(r.next).append(':').append(r.inBlock).append(':')
                        .append(number(r.current)).append(':');
                for (int i = 0; i < RecentMaximum.BLOCKS; i++) {
                    out.append(i > 0 ? "," : "").append(number(r.maxima[i]));
                }
            }
        }
        if (weekly) {
            // s5 adds: whether the weekly check decided, the offsets' weight and the offsets (none when it
            // found no week); then the check under way (buckets per day, first bucket, sums, counts), if any.
            out.append(FIELD).append(s.weeklyDecided ? 1 : 0).append(':').append(number(s.weekOffsetWeight)).append(':');
            if (s.weekOffsets != null) {
                for (int i = 0; i < s.weekOffsets.length; i++) {
                    out.append(i > 0 ? "," : "").append(number(s.weekOffsets[i]));
                }
            }
            out.append(FIELD);
            WeeklyCheck w = s.weeklyCheck;
            if (w != null) {
                out.append(w.bucketsPerDay).append(':').append(w.started ? w.firstBucket : "").append(':');
                for (int i = 0; i < w.sums.length; i++) {
                    out.append(i > 0 ? "," : "").append(number(w.sums[i]));
                }
                out.append(':');
                for (int i = 0; i < w.counts.length; i++) {
                    out.append(i > 0 ? "," : "").append(w.counts[i]);
                }
            }
        }
        return out.toString();
    }

    /**
     * Reads a state written by {@link #encode}, in the current form ({@code s2}) or the one
     * before seasons and spans of time ({@code s1}), which continues as a series of unknown cadence.
     *
     * @throws IllegalArgumentException when the text is not an encoded state; the caller can then
     *                                  start the series over with a new state
     */
    static DetectorState decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cannot read spike detector state: it is missing (null)");
        }
        String[] fields = text.split(String.valueOf(FIELD), -1);
        boolean v5 = fields.length == 29 && FORMAT_5.equals(fields[0]);
        boolean v4 = v5 || fields.length == 27 && FORMAT_4.equals(fields[0]);
        boolean v3 = v4 || fields.length == 25 && FORMAT_3.equals(fields[0]);
        boolean v2 = v3 || fields.length == 19 && FORMAT_2.equals(fields[0]);
        if (!v2 && (fields.length != 9 || !FORMAT.equals(fields[0]))) {
            throw new IllegalArgumentException("cannot read spike detector state: expected 9 fields starting with '"
                    + FORMAT + "', 19 starting with '" + FORMAT_2 + "', 25 starting with '" + FORMAT_3
                    + "', 27 starting with '" + FORMAT_4 + "' or 29 starting with '" + FORMAT_5 + "', got '" + abbreviate(text) + "'; start the series over with a new state");
        }
        try {
            DetectorState state = new DetectorState(Integer.parseInt(fields[1]));
            String[] values = fields[8].isEmpty() ? new String[0] : fields[8].split(String.valueOf(VALUE), -1);
            if (values.length > state.lag) {
                throw new IllegalArgumentException("the window holds " + values.length
                        + " values, more than the lag of " + state.lag);
            }
            for (String value : values) {
                double v = Double.parseDouble(value);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("the window holds a non-finite value " + value);
                }
                state.window[state.size++] = v;
            }
            state.count = Long.parseLong(fields[2]);
            state.cooldownUp = nonNegative(Integer.parseInt(fields[3]), "cool-down up");
            state.cooldownDown = nonNegative(Integer.parseInt(fields[4]), "cool-down down");
            state.mean = Double.parseDouble(fields[5]);
            state.m2 = Double.parseDouble(fields[6]);
            state.sinceRecompute = nonNegative(Integer.parseInt(fields[7]), "updates since recompute");
            if (state.count < state.size) {
                throw new IllegalArgumentException("count " + state.count + " is below the window size " + state.size);
            }
            if (v2) {
                state.resolved = "1".equals(fields[9]);
                state.step = Double.parseDouble(fields[10]);
                state.cooldownPoints = nonNegative(Integer.parseInt(fields[11]), "cool-down points");
                state.lastTime = Double.parseDouble(fields[12]);
                String[] steps = fields[13].isEmpty() ? new String[0] : fields[13].split(",", -1);
                if (steps.length > DetectorState.STEP_SAMPLES) {
                    throw new IllegalArgumentException("more than " + DetectorState.STEP_SAMPLES + " cadence samples");
                }
                state.steps = new double[steps.length];
                for (int i = 0; i < steps.length; i++) {
                    state.steps[i] = Double.parseDouble(steps[i]);
                }
                state.seasonMode = Integer.parseInt(fields[14]);
                if (state.seasonMode < DetectorState.SEASON_NONE || state.seasonMode > DetectorState.SEASON_ACTIVE) {
                    throw new IllegalArgumentException("unknown season mode " + fields[14]);
                }
                state.phaseSeconds = Double.parseDouble(fields[15]);
                state.seasonSeen = Long.parseLong(fields[16]);
                String[] auto = fields[17].isEmpty() ? new String[0] : fields[17].split(",", -1);
                if (auto.length > SpikeSeason.AUTO_CYCLES * SpikeDetector.MAX_AUTO_PHASES) {
                    throw new IllegalArgumentException("too many values kept for the season test");
                }
                state.autoValues = new double[auto.length];
                for (int i = 0; i < auto.length; i++) {
                    state.autoValues[i] = Double.parseDouble(auto[i]);
                }
                state.autoSize = auto.length;
                state.profile = fields[18].isEmpty() ? null : profile(fields[18]);
            }
            if (v3) {
                // Older forms carry no likelihood: a series stored by them starts its history afresh.
                state.historyPoints = nonNegative(Integer.parseInt(fields[19]), "history points");
                state.likelihoodCooldown = nonNegative(Integer.parseInt(fields[20]), "likelihood cool-down");
                state.historyCount = Long.parseLong(fields[21]);
                if (state.historyCount < 0) {
                    throw new IllegalArgumentException("history count is negative (" + fields[21] + ")");
                }
                state.historyMean = finite(Double.parseDouble(fields[22]), "history mean");
                state.historyVariance = finite(Double.parseDouble(fields[23]), "history variance");
                if (state.historyVariance < 0) {
                    throw new IllegalArgumentException("history variance is negative (" + fields[23] + ")");
                }
                String[] recent = fields[24].isEmpty() ? new String[0] : fields[24].split(",", -1);
                if (recent.length > DetectorState.RECENT) {
                    throw new IllegalArgumentException("more than " + DetectorState.RECENT + " recent scores");
                }
                for (String value : recent) {
                    state.recent[state.recentSize++] = finite(Double.parseDouble(value), "recent score");
                }
            }
            if (v4) {
                // Older forms carry neither: the run starts at 0 and the record rule learns its maxima afresh.
                state.outlierRun = Integer.parseInt(fields[25]);
                state.record = fields[26].isEmpty() ? null : record(fields[26]);
            }
            if (v5) {
                // Older forms carry no weekly check: auto starts one afresh when the series resumes.
                weekly(state, fields[27]);
                state.weeklyCheck = fields[28].isEmpty() ? null : weeklyCheck(fields[28]);
            }
            return state;
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            throw new IllegalArgumentException("cannot read spike detector state '" + abbreviate(text) + "': "
                    + e.getMessage() + "; start the series over with a new state", e);
        }
    }

    private static void weekly(DetectorState state, String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("the weekly season holds " + parts.length + " parts, not 3");
        }
        state.weeklyDecided = "1".equals(parts[0]);
        state.weekOffsetWeight = finite(Double.parseDouble(parts[1]), "weekly offset weight");
        if (parts[2].isEmpty()) {
            return;
        }
        String[] cells = parts[2].split(",", -1);
        if (cells.length % 7 != 0 || cells.length > 7 * WeeklyCheck.MAX_BUCKETS_PER_DAY) {
            throw new IllegalArgumentException("the weekly season holds " + cells.length + " offsets, not 7 per bucket of a day"
                    + " (at most " + 7 * WeeklyCheck.MAX_BUCKETS_PER_DAY + ")");
        }
        if (!(state.weekOffsetWeight > 0 && state.weekOffsetWeight <= 1)) {
            throw new IllegalArgumentException("the weekly offsets' weight " + parts[1] + " is outside (0, 1]");
        }
        state.weekOffsets = new double[cells.length];
        for (int i = 0; i < cells.length; i++) {
            state.weekOffsets[i] = Double.parseDouble(cells[i]);
        }
    }

    private static WeeklyCheck weeklyCheck(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("the weekly check holds " + parts.length + " parts, not 4");
        }
        int perDay = Integer.parseInt(parts[0]);
        WeeklyCheck check = new WeeklyCheck(perDay); // checks the range
        check.started = !parts[1].isEmpty();
        check.firstBucket = check.started ? Long.parseLong(parts[1]) : 0;
        String[] sums = parts[2].split(",", -1);
        String[] counts = parts[3].split(",", -1);
        if (sums.length != check.sums.length || counts.length != check.counts.length) {
            throw new IllegalArgumentException("the weekly check holds " + sums.length + " sums and " + counts.length
                    + " counts, not " + check.sums.length);
        }
        for (int i = 0; i < sums.length; i++) {
            check.sums[i] = finite(Double.parseDouble(sums[i]), "weekly check sum");
            check.counts[i] = nonNegative(Integer.parseInt(counts[i]), "weekly check count");
        }
        return check;
    }

    private static double[] profile(String text) {
        int colon = text.indexOf(':');
        int n = Integer.parseInt(text.substring(0, colon));
        if (n < 1 || n > SpikeParameters.MAX_SEASON_POINTS) {
            throw new IllegalArgumentException("a season of " + n + " phases is outside 1.."
                    + SpikeParameters.MAX_SEASON_POINTS);
        }
        String[] cells = text.substring(colon + 1).split(",", -1);
        if (cells.length != n) {
            throw new IllegalArgumentException("the season holds " + cells.length + " phases, not " + n);
        }
        double[] profile = new double[n];
        for (int i = 0; i < n; i++) {
            profile[i] = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
        }
        return profile;
    }

    private static RecentMaximum record(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("the record holds " + parts.length + " parts, not 5");
        }
        int blockPoints = Integer.parseInt(parts[0]);
        if (blockPoints < 1 || blockPoints > SpikeParameters.MAX_RECORD) {
            throw new IllegalArgumentException("a record block of " + blockPoints + " points is outside 1.."
                    + SpikeParameters.MAX_RECORD);
        }
        RecentMaximum record = new RecentMaximum(blockPoints);
        record.next = Integer.parseInt(parts[1]);
        record.inBlock = Integer.parseInt(parts[2]);
        if (record.next < 0 || record.next >= RecentMaximum.BLOCKS || record.inBlock < 0 || record.inBlock >= blockPoints) {
            throw new IllegalArgumentException("the record's block position " + parts[1] + ":" + parts[2]
                    + " is outside its " + RecentMaximum.BLOCKS + " blocks of " + blockPoints + " points");
        }
        record.current = nonNegative(finite(Double.parseDouble(parts[3]), "record maximum"), "record maximum");
        String[] maxima = parts[4].split(",", -1);
        if (maxima.length != RecentMaximum.BLOCKS) {
            throw new IllegalArgumentException("the record holds " + maxima.length + " block maxima, not "
                    + RecentMaximum.BLOCKS);
        }
        for (int i = 0; i < maxima.length; i++) {
            record.maxima[i] = nonNegative(finite(Double.parseDouble(maxima[i]), "record maximum"), "record maximum");
        }
        return record;
    }

    private static double nonNegative(double value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " is negative (" + value + ")");
        }
        return value;
    }

    private static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " is not a finite number (" + value + ")");
        }
        return value;
    }

    private static int nonNegative(int value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " is negative (" + value + ")");
        }
        return value;
    }

    /** Shortest text that parses back to the same double; drops a trailing ".0" to save space. */
    private static String number(double value) {
        String text = Double.toString(value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
