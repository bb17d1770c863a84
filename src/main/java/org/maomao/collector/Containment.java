package org.maomao.collector;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.maomao.units.Sizes;

/**
 * What the operator lets a collector ask for ({@code [docker]} of config.ini): the
 * Docker networks it may join and the most memory, CPUs and processes it may have, and
 * the most disk a run may fill ({@code max_output}, {@code max_output_files}, {@code max_log}:
 * the policy's own values are what the daemon enforces, so they need a ceiling too). A
 * registration asking for more is refused, and so is a run whose policy no longer
 * fits (the operator may have tightened these since), because a policy is written by
 * whoever registers the collector, and a collector is someone else's code.
 */
public record Containment(List<String> allowedNetworks, long maxMemory, double maxCpus, long maxPids, long maxOutput,
                          int maxOutputFiles, long maxLog) {
    /** Only {@code none}: a collector reaches no network unless the operator lists one. */
    public static final List<String> DEFAULT_ALLOWED_NETWORKS = List.of(RunPolicy.DEFAULT_NETWORK);
    public static final long DEFAULT_MAX_MEMORY = 4L << 30;
    /** The host's cores, at most 4: the engine refuses a container asking for more cores than the host has. */
    public static final double DEFAULT_MAX_CPUS = Math.min(4, Runtime.getRuntime().availableProcessors());
    public static final long DEFAULT_MAX_PIDS = 1024;
    /** The most a registration may set max_output to: ten times its default. */
    public static final long DEFAULT_MAX_OUTPUT = 1L << 30;
    public static final int DEFAULT_MAX_OUTPUT_FILES = 100_000;
    public static final long DEFAULT_MAX_LOG = 100L << 20;
    /** The kernel's own ceiling of pid_max: a bound above it means no bound. */
    public static final long PIDS_CEILING = 4_194_304;
    /** Far above any machine maomao runs on; a bound above it means no bound. */
    public static final long MEMORY_CEILING = 1L << 50;

    public Containment {
        allowedNetworks = List.copyOf(allowedNetworks);
        if (allowedNetworks.isEmpty()) {
            throw new IllegalArgumentException("[docker] allowed_networks is empty: list at least none.");
        }
        if (maxMemory < (6L << 20) || maxMemory > MEMORY_CEILING) {
            throw new IllegalArgumentException("[docker] max_memory must be between 6m and 1024t, got " + maxMemory + " bytes.");
        }
        if (!(maxCpus >= 0.01) || maxCpus > 1024) {
            throw new IllegalArgumentException("[docker] max_cpus must be a number from 0.01 to 1024, got " + maxCpus + ".");
        }
        if (maxPids < 1 || maxPids >= PIDS_CEILING) {
            throw new IllegalArgumentException("[docker] max_pids must be from 1 to " + (PIDS_CEILING - 1) + ", got " + maxPids + ".");
        }
        if (maxOutput < 1 || maxOutput > MEMORY_CEILING) {
            throw new IllegalArgumentException("[docker] max_output must be between 1 byte and 1024t, got " + maxOutput + " bytes.");
        }
        if (maxOutputFiles < 1 || maxOutputFiles > RunPolicy.MAX_OUTPUT_FILES_LIMIT) {
            throw new IllegalArgumentException("[docker] max_output_files must be from 1 to " + RunPolicy.MAX_OUTPUT_FILES_LIMIT
                    + ", got " + maxOutputFiles + ".");
        }
        if (maxLog < 1024 || maxLog > MEMORY_CEILING) {
            throw new IllegalArgumentException("[docker] max_log must be between 1k and 1024t, got " + maxLog + " bytes.");
        }
    }

    /** The defaults: network none only, at most 4g memory, 4 CPUs, 1024 processes, 1g output, 100m log. */
    public static Containment defaults() {
        return new Containment(DEFAULT_ALLOWED_NETWORKS, DEFAULT_MAX_MEMORY, DEFAULT_MAX_CPUS, DEFAULT_MAX_PIDS,
                DEFAULT_MAX_OUTPUT, DEFAULT_MAX_OUTPUT_FILES, DEFAULT_MAX_LOG);
    }

    /** Reads {@code allowed_networks}, {@code max_memory}, {@code max_cpus}, {@code max_pids} of {@code [docker]}. */
    public static Containment from(Map<String, String> docker) {
        List<String> networks = DEFAULT_ALLOWED_NETWORKS;
        String nets = docker.get("allowed_networks");
        if (nets != null && !nets.isBlank()) {
            networks = List.of(nets.trim().split("\\s*,\\s*"));
            for (String n : networks) {
                if (!n.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}")) {
                    throw new IllegalArgumentException("[docker] allowed_networks: \"" + n + "\" is not a Docker network "
                            + "name: list names such as none, bridge or my-net, separated by commas.");
                }
            }
        }
        long memory = docker.containsKey("max_memory") ? Sizes.parse("[docker] max_memory", docker.get("max_memory"))
                : DEFAULT_MAX_MEMORY;
        double cpus = DEFAULT_MAX_CPUS;
        long pids = DEFAULT_MAX_PIDS;
        try {
            if (docker.containsKey("max_cpus")) {
                cpus = Double.parseDouble(docker.get("max_cpus").trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("[docker] max_cpus \"" + docker.get("max_cpus") + "\" is not a number such as 4 or 0.5.");
        }
        try {
            if (docker.containsKey("max_pids")) {
                pids = Long.parseLong(docker.get("max_pids").trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("[docker] max_pids \"" + docker.get("max_pids") + "\" is not a whole number.");
        }
        long output = docker.containsKey("max_output") ? Sizes.parse("[docker] max_output", docker.get("max_output"))
                : DEFAULT_MAX_OUTPUT;
        long log = docker.containsKey("max_log") ? Sizes.parse("[docker] max_log", docker.get("max_log")) : DEFAULT_MAX_LOG;
        int files = DEFAULT_MAX_OUTPUT_FILES;
        try {
            if (docker.containsKey("max_output_files")) {
                files = Integer.parseInt(docker.get("max_output_files").trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("[docker] max_output_files \"" + docker.get("max_output_files")
                    + "\" is not a whole number.");
        }
        return new Containment(networks, memory, cpus, pids, output, files, log);
    }

    /**
     * Throws {@link IllegalArgumentException} with a sentence naming the setting when
     * {@code p} asks for a network that is not allowed or for more than a bound.
     */
    public void check(RunPolicy p) {
        if (!allowedNetworks.contains(p.network())) {
            throw new IllegalArgumentException("network \"" + p.network() + "\" is not in [docker] allowed_networks ("
                    + String.join(", ", allowedNetworks) + "): use one of those, or ask the operator to list it"
                    + (p.network().toLowerCase(Locale.ROOT).equals("host") ? " (host gives the collector the host's network, "
                    + "including the daemon's API on 127.0.0.1)." : "."));
        }
        if (p.memoryBytes() > maxMemory) {
            throw new IllegalArgumentException("memory " + human(p.memoryBytes()) + " (" + p.memoryBytes()
                    + " bytes) is above [docker] max_memory (" + maxMemory + " bytes, " + human(maxMemory)
                    + "): ask for at most " + human(maxMemory) + ".");
        }
        if (p.cpus() > maxCpus) {
            throw new IllegalArgumentException("cpus " + p.cpus() + " is above [docker] max_cpus (" + maxCpus
                    + "): ask for at most " + maxCpus + ".");
        }
        if (p.pids() > maxPids) {
            throw new IllegalArgumentException("pids " + p.pids() + " is above [docker] max_pids (" + maxPids
                    + "): ask for at most " + maxPids + ".");
        }
        if (p.maxOutputBytes() > maxOutput) {
            throw new IllegalArgumentException("max_output " + human(p.maxOutputBytes()) + " is above [docker] max_output ("
                    + human(maxOutput) + "): ask for at most " + human(maxOutput) + ".");
        }
        if (p.maxOutputFiles() > maxOutputFiles) {
            throw new IllegalArgumentException("max_output_files " + p.maxOutputFiles() + " is above [docker] "
                    + "max_output_files (" + maxOutputFiles + "): ask for at most " + maxOutputFiles + ".");
        }
        if (p.maxLogBytes() > maxLog) {
            throw new IllegalArgumentException("max_log " + human(p.maxLogBytes()) + " is above [docker] max_log ("
                    + human(maxLog) + "): ask for at most " + human(maxLog) + ".");
        }
    }

    private static String human(long bytes) {
        String[] units = {"", "k", "m", "g", "t"};
        int i = 0;
        long v = bytes;
        while (i < units.length - 1 && v % 1024 == 0 && v > 0) {
            v /= 1024;
            i++;
        }
        return v + units[i];
    }
}
