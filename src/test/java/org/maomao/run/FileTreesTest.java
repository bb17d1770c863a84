package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a run's or a clone's folder never deletes through a link. */
class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void should_delete_a_tree_and_its_links_but_not_what_they_point_to() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host/keep"));
        Files.writeString(host.resolve("precious"), "x");
        Path tree = Files.createDirectories(dir.resolve("run/output/deep"));
        Files.writeString(tree.resolve("f"), "y");
        Files.createSymbolicLink(tree.resolve("dirlink"), host);
        Files.createSymbolicLink(tree.resolve("filelink"), host.resolve("precious"));
        Files.createSymbolicLink(tree.resolve("dangling"), dir.resolve("nowhere"));

        FileTrees.delete(dir.resolve("run"));
        assertThat(dir.resolve("run")).doesNotExist();
        assertThat(host.resolve("precious")).hasContent("x");
    }

    @Test
    void should_remove_only_the_link_when_the_folder_itself_is_a_link() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("precious"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("output"), host);
        FileTrees.delete(link);
        assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(host.resolve("precious")).hasContent("x");
        FileTrees.delete(dir.resolve("absent")); // nothing to do, no error
    }
}
