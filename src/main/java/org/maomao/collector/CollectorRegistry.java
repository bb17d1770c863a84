package org.maomao.collector;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.maomao.spike.SpikeParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered collectors: validates a registration completely before anything is
 * stored, so bad input changes nothing.
 */
public final class CollectorRegistry {
    private static final Logger log = LoggerFactory.getLogger(CollectorRegistry.class);
    /** Longest image reference accepted; Docker's own limit is far below a sane body. */
    public static final int MAX_IMAGE_LENGTH = 255;

    private final CollectorStore store;
    private final Clock clock;
    private volatile RunPolicy defaults;
    /** The daemon's {@code [spike]} section, under every collector's own {@code spike.*} settings. */
    private final Map<String, String> spikeDefaults;
    private volatile List<String> allowedImages = List.of();
    private volatile Containment containment = Containment.defaults();

    /** A registry whose collectors' spike settings go over the detector's own defaults. */
    public CollectorRegistry(CollectorStore store, RunPolicy defaults, Clock clock) {
        this(store, defaults, Map.of(), clock);
    }

    /** @param spikeDefaults the daemon's {@code [spike]} section, which each collector's {@code spike.*} settings override */
    public CollectorRegistry(CollectorStore store, RunPolicy defaults, Map<String, String> spikeDefaults, Clock clock) {
        this.store = store;
        this.defaults = defaults;
        this.spikeDefaults = Map.copyOf(spikeDefaults);
        this.clock = clock;
    }

    /** Outcome of a registration. */
    public record Registration(Collector collector, boolean created) {
    }

    /**
     * Registers or updates a collector. Throws {@link IllegalArgumentException} with a
     * sentence for a person when any part is invalid; nothing is stored then.
     */
    public Registration register(String name, String image, String dataset, Map<String, String> settings, String source) {
        check(name, image, dataset, settings, defaults, containment, allowedImages);
        String ds = dataset == null ? Names.NO_DATASET : dataset;
        Instant now = clock.instant();
        Optional<Collector> old = store.find(name);
        Collector c = new Collector(name, image, ds, settings, source,
                old.map(Collector::createdAt).orElse(now), now);
        boolean created = store.upsert(c);
        log.info("{} collector {} (image {}, dataset {}, source {})", created ? "registered" : "updated", name, image, ds, source);
        return new Registration(c, created);
    }

    /**
     * Every check of {@link #register}, against the operator's settings given (a reload checks its
     * collector files against the configuration it is about to apply), writing nothing: a refusal is an
     * {@link IllegalArgumentException} with a sentence.
     */
    public void check(String name, String image, String dataset, Map<String, String> settings, RunPolicy defaults,
                      Containment containment, List<String> allowedImages) {
        Names.require("collector", name);
        validateImage(image);
        if (!isAllowed(image, allowedImages)) {
            throw new ImageNotAllowedException("image \"" + image + "\" is not in [daemon] allowed_images ("
                    + String.join(", ", allowedImages) + "); ask the operator to allow it.");
        }
        Names.require("dataset", dataset == null ? Names.NO_DATASET : dataset);
        // validates every setting before anything is written, then what the operator allows
        containment.check(defaults.with(settings, true));
        SpikeParameters.forCollector(spikeDefaults, RunPolicy.spikeSettings(settings)); // as the detector will read them
    }

    /** Checks an image reference against Docker's reference grammar, so it cannot smuggle options or paths. */
    public static void validateImage(String image) {
        ImageReference.require(image);
    }

    /**
     * Checks, when a run starts, that the collector is still within what the operator
     * allows: {@code allowed_images} and {@code [docker]} may have been tightened since it
     * was registered. Throws {@link IllegalArgumentException} with a sentence otherwise.
     */
    public void checkRunnable(Collector c, RunPolicy policy) {
        validateImage(c.image());
        if (!isAllowed(c.image())) {
            throw new ImageNotAllowedException("image \"" + c.image() + "\" is no longer in [daemon] allowed_images ("
                    + String.join(", ", allowedImages) + "); register the collector with an allowed image, or ask the "
                    + "operator to allow it.");
        }
        try {
            containment.check(policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the collector's policy is no longer allowed: " + e.getMessage(), e);
        }
    }

    /** Bounds what a registration may ask for (networks, memory, CPUs, processes). */
    public void setContainment(Containment containment) {
        this.containment = containment;
    }

    public Optional<Collector> find(String name) {
        return store.find(name);
    }

    public List<Collector> list() {
        return store.list();
    }

    public boolean delete(String name) {
        boolean removed = store.delete(name);
        if (removed) {
            log.info("removed collector {}", name);
        }
        return removed;
    }

    /**
     * Limits registrations to images matching one of {@code globs} ({@code *} any
     * characters, {@code ?} one); an empty list allows every image.
     */
    public void setAllowedImages(List<String> globs) {
        this.allowedImages = List.copyOf(globs);
    }

    /** Whether {@code image} matches {@code allowed_images} (or no list is set). */
    public boolean isAllowed(String image) {
        return isAllowed(image, allowedImages);
    }

    private static boolean isAllowed(String image, List<String> allowedImages) {
        try {
            ImageReference.require(image); // "maomao/../x" never matches "maomao/*"
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (allowedImages.isEmpty()) {
            return true;
        }
        for (String glob : allowedImages) {
            if (image.matches(globRegex(glob))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The regular expression of an {@code allowed_images} glob. Before the glob's first '/'
     * (the registry, or the first path part) {@code *} and {@code ?} never match a '/', so
     * {@code *.mycorp.com/*} cannot match {@code evil.com/x.mycorp.com/y}; a glob without
     * '/' (such as {@code *}) keeps matching anything.
     */
    static String globRegex(String glob) {
        int firstSlash = glob.indexOf('/');
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            boolean registry = i < firstSlash;
            re.append(ch == '*' ? (registry ? "[^/]*" : ".*") : ch == '?' ? (registry ? "[^/]" : ".")
                    : java.util.regex.Pattern.quote(String.valueOf(ch)));
        }
        return re.toString();
    }

    /** An image the operator has not allowed. */
    public static final class ImageNotAllowedException extends IllegalArgumentException {
        public ImageNotAllowedException(String message) {
            super(message);
        }
    }

    public RunPolicy defaults() {
        return defaults;
    }

    public void setDefaults(RunPolicy defaults) {
        this.defaults = defaults;
    }
}
