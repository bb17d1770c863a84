package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's /input snapshot holds only files that really lie inside the dataset, whatever links appear. */
class InputSnapshotTest {
    @TempDir
    Path dir;
    Path dataset;
    Path outside;
    Path target;

    @BeforeEach
    void layout() throws IOException {
        dataset = Files.createDirectories(dir.resolve("datasets/ds"));
        Files.createDirectories(dataset.resolve("col/sub"));
        Files.writeString(dataset.resolve("col/top.csv"), "t,v\n1,2\n");
        Files.writeString(dataset.resolve("col/sub/a.csv"), "inside");
        outside = Files.createDirectories(dir.resolve("host"));
        Files.writeString(outside.resolve("a.csv"), "SECRET");
        Files.writeString(outside.resolve("shadow"), "SECRET");
        target = dir.resolve("runs/r1/input");
    }

    /** Every regular file in the snapshot, as relative path = content. */
    List<String> contents() throws IOException {
        try (Stream<Path> s = Files.walk(target)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().map(p -> {
                try {
                    return target.relativize(p) + "=" + Files.readString(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    boolean anyLink() throws IOException {
        try (Stream<Path> s = Files.walk(target)) {
            return s.anyMatch(Files::isSymbolicLink);
        }
    }

    @Test
    void should_take_files_and_folders_and_leave_out_links() throws Exception {
        Files.createSymbolicLink(dataset.resolve("col/root"), Path.of("/"));
        Files.createSymbolicLink(dataset.resolve("col/sub/shadow"), outside.resolve("shadow"));
        InputSnapshot.Result r = InputSnapshot.build(dataset, "col", target);
        assertThat(contents()).containsExactly("sub/a.csv=inside", "top.csv=t,v\n1,2\n");
        assertThat(anyLink()).isFalse();
        assertThat(r.files()).isEqualTo(2);
        assertThat(r.skipped()).isEqualTo(2);
        // on one file system the snapshot costs no copy: the file is a hard link to the dataset's own
        assertThat(Files.readAttributes(target.resolve("top.csv"), "unix:ino").get("ino"))
                .isEqualTo(Files.readAttributes(dataset.resolve("col/top.csv"), "unix:ino").get("ino"));
    }

    @Test
    void should_give_an_empty_input_when_the_collector_folder_or_the_dataset_is_a_link() throws Exception {
        Files.createSymbolicLink(dataset.resolve("evil"), Path.of("/"));
        InputSnapshot.build(dataset, "evil", target);
        assertThat(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.toList()).isEmpty();
        }
        Path linkedDataset = dir.resolve("datasets/linked");
        Files.createSymbolicLink(linkedDataset, outside);
        Files.createDirectories(outside.resolve("col"));
        Files.writeString(outside.resolve("col/x"), "SECRET");
        InputSnapshot.build(linkedDataset, "col", target);
        assertThat(contents()).isEmpty();
        InputSnapshot.build(dataset, "missing", target);
        assertThat(contents()).isEmpty();
    }

    @Test
    void should_not_take_a_folder_swapped_for_a_link_just_before_it_is_opened() throws Exception {
        InputSnapshot.Result r = new InputSnapshot((step, rel) -> {
            if (step.equals("look") && rel.toString().equals("sub")) {
                swapForLink(dataset.resolve("col/sub"));
            }
        }).take(dataset, "col", target);
        assertThat(contents()).containsExactly("top.csv=t,v\n1,2\n");
        assertThat(contents()).noneMatch(c -> c.contains("SECRET"));
        assertThat(r.skipped()).isEqualTo(1);
    }

    @Test
    void should_copy_what_the_walk_saw_when_a_parent_folder_is_swapped_between_the_look_and_the_hard_link() throws Exception {
        // the walk holds the real sub/ open; the path col/sub/a.csv now resolves to the host's a.csv
        new InputSnapshot((step, rel) -> {
            if (step.equals("link") && rel.toString().equals("sub/a.csv")) {
                swapForLink(dataset.resolve("col/sub"));
            }
        }).take(dataset, "col", target);
        assertThat(contents()).containsExactly("sub/a.csv=inside", "top.csv=t,v\n1,2\n");
        assertThat(Files.readAttributes(target.resolve("sub/a.csv"), "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino"))
                .isNotEqualTo(Files.readAttributes(outside.resolve("a.csv"), "unix:ino").get("ino"));
    }

    @Test
    void should_keep_the_mount_source_unchanged_when_the_dataset_is_swapped_after_the_walk() throws Exception {
        InputSnapshot.build(dataset, "col", target);
        swapForLink(dataset.resolve("col"));
        assertThat(contents()).containsExactly("sub/a.csv=inside", "top.csv=t,v\n1,2\n");
        assertThat(anyLink()).isFalse();
        assertThat(target.toRealPath()).isEqualTo(dir.toRealPath().resolve("runs/r1/input"));
    }

    @Test
    void should_replace_an_earlier_snapshot_and_never_follow_a_link_left_in_its_place() throws Exception {
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(target, outside); // a link where the snapshot goes
        InputSnapshot.build(dataset, "col", target);
        assertThat(Files.isSymbolicLink(target)).isFalse();
        assertThat(outside.resolve("top.csv")).doesNotExist();
        assertThat(Files.readString(outside.resolve("shadow"))).isEqualTo("SECRET");
        assertThat(contents()).containsExactly("sub/a.csv=inside", "top.csv=t,v\n1,2\n");
    }

    /** Moves {@code folder} aside and puts a link to the host folder in its place. */
    private void swapForLink(Path folder) throws IOException {
        Files.move(folder, folder.resolveSibling(folder.getFileName() + ".moved"));
        Files.createSymbolicLink(folder, outside);
    }
}
