package org.maomao;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.maomao.cluster.Declarations;
import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.config.CollectorFile;
import org.maomao.docker.DockerImageBuilder;
import org.maomao.schedule.Frequency;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;
import org.maomao.schedule.ScheduleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collectors declared in files under {@code collectors_dir}, kept in step with the registry
 * and the schedules: at start each file is registered (its image built where it asks) and
 * scheduled; at a reload, collectors and schedules that came from a file no longer there go too.
 * Collectors and schedules made through the API are never touched. It lives beside the daemon
 * because it ties four packages together (config, collector, schedule, docker), as the wiring does.
 */
final class DeclaredCollectors {
    private static final Logger log = LoggerFactory.getLogger(DeclaredCollectors.class);

    /**
     * The collector files of a folder, read once: those that load, and for each that does not, its
     * folder's name and why.
     */
    record Scanned(List<CollectorFile> files, Map<String, String> unreadable) {
    }

    /** Reads every collector file of {@code dir} (see {@link CollectorFile#scanNamed}). */
    static Scanned scan(Path dir) {
        Map<String, String> unreadable = new LinkedHashMap<>();
        List<CollectorFile> files = CollectorFile.scanNamed(dir, (name, e) -> unreadable.put(name, e.getMessage()));
        return new Scanned(files, unreadable);
    }

    /** What a reconciliation did: the collectors its files declare, and the file collectors it removed. */
    record Reconciled(List<String> declared, List<String> removed) {
    }

    private final CollectorRegistry registry;
    private final QuartzRunScheduler scheduler;
    private final DockerImageBuilder images;

    /** In cluster mode, what the other members declare; null for a daemon alone. */
    private final Declarations others;

    DeclaredCollectors(CollectorRegistry registry, QuartzRunScheduler scheduler, DockerImageBuilder images,
                       Declarations others) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.images = images;
        this.others = others;
    }

    /** At start: declares the files of {@code dir} and, in a cluster, records what this member declares. */
    List<String> start(Path dir) {
        List<String> applied = declare(dir);
        if (others != null) {
            others.publish(applied);
        }
        return applied;
    }

    /**
     * Declares the files {@code scanned} read, then removes the file collectors (with their schedules)
     * that no file declares any more (a file still there that did not load or apply keeps its own).
     * In a cluster, every member reads its own {@code collectors_dir} into the one shared registry: a file collector is removed only when no member declares it
     * (this one's files now, the others' at their last start or reload), so members whose folders
     * differ never undo each other.
     */
    Reconciled reconcile(Scanned scanned) {
        List<String> declared;
        List<String> removed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try {
            declared = declare(scanned, failed);
            Set<String> elsewhere = others == null ? Set.of() : others.declaredByOthers();
            for (Collector c : registry.list()) {
                // a file that is still there but could not be applied (its image did not build) keeps
                // the collector as it was: only a file that is gone removes one
                if (Collector.SOURCE_FILE.equals(c.source()) && !declared.contains(c.name())
                        && !failed.contains(c.name()) && !elsewhere.contains(c.name())) {
                    scheduler.deleteForCollector(c.name());
                    registry.delete(c.name());
                    removed.add(c.name());
                }
            }
        } catch (ScheduleException e) {
            throw new IllegalStateException("reload failed in the scheduler: " + e.getMessage(), e);
        }
        if (others != null) {
            others.publish(declared);
        }
        return new Reconciled(declared, removed);
    }

    /**
     * Registers (building where asked) and schedules the collectors declared in files;
     * returns the names applied. A file that does not load is logged and skipped, so one
     * bad file does not keep the others out.
     */
    List<String> declare(Path dir) {
        return declare(scan(dir), new ArrayList<>());
    }

    /** As {@link #declare(Path)}; the names of files that are there but did not load or apply go to {@code failed}. */
    private List<String> declare(Scanned scanned, List<String> failed) {
        scanned.unreadable().forEach((name, why) -> log.error("collector file not applied: {}", why));
        failed.addAll(scanned.unreadable().keySet());
        List<String> applied = new ArrayList<>();
        for (CollectorFile f : scanned.files()) {
            try {
                apply(f);
                applied.add(f.name());
            } catch (RuntimeException e) {
                log.error("collector file {} not applied: {}", f.file(), e.getMessage());
                failed.add(f.name());
            }
        }
        return applied;
    }

    private void apply(CollectorFile f) {
        if (f.buildDir() != null) {
            log.info("building image {} for collector {} from {}", f.image(), f.name(), f.buildDir());
            images.build(f.buildDir(), f.image());
        }
        registry.register(f.name(), f.image(), f.dataset(), f.settings(), Collector.SOURCE_FILE);
        for (Schedule s : scheduler.listFor(f.name())) {
            // a file schedule the file no longer asks for, or for another dataset
            boolean stale = "file".equals(s.source())
                    && (f.schedule() == null || !s.dataset().equals(f.dataset()));
            if (stale) {
                scheduler.delete(s.id());
            }
        }
        if (f.schedule() != null) {
            Frequency freq = Frequency.parse(f.schedule(), f.name());
            Schedule old = scheduler.find(Schedule.idOf(f.name(), f.dataset())).orElse(null);
            if (old == null || !freq.quartzCron().equals(old.cron()) || !"file".equals(old.source())) {
                scheduler.schedule(f.name(), f.dataset(), freq, "file");
            }
        }
    }
}
