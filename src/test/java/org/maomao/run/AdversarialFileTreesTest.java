package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that is not root (the systemd unit's) runs collectors as its own uid, so a
 * collector can leave folders in /output that their owner can neither list nor change
 * (chmod 0, chmod 0500). Deleting the run's output must still work, or every such run
 * leaves max_output on the disk for good. Run here as uid 65534 in a child JVM, since
 * root ignores file modes.
 */
class AdversarialFileTreesTest {
    @TempDir
    Path dir;

    @Test
    void should_delete_folders_their_owner_made_unreadable_or_read_only() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path output = Files.createDirectories(dir.resolve("run/output"));
        Path locked = Files.createDirectories(output.resolve("locked/inner"));
        Files.writeString(locked.resolve("f"), "x");
        Path readOnly = Files.createDirectories(output.resolve("readonly"));
        Files.writeString(readOnly.resolve("g"), "y");
        assertThat(sh("chown -R 65534:65534 " + dir.resolve("run") + " && chmod 0 " + output.resolve("locked/inner") + " "
                + output.resolve("locked") + " && chmod 0500 " + readOnly)).isZero();

        Path program = dir.resolve("Delete.java");
        Files.writeString(program, "public class Delete { public static void main(String[] a) { "
                + "org.maomao.run.FileTrees.delete(java.nio.file.Path.of(a[0])); } }");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes = Path.of(FileTrees.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process p = new ProcessBuilder(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java.toString(),
                "-cp", classes, program.toString(), output.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(output).doesNotExist();
    }

    private static int sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void should_delete_folders_nested_far_deeper_than_a_path_or_a_stack_allows() throws Exception {
        // a collector nests folders with relative mkdir/cd; built here by renames so no path grows long
        Path top = Files.createDirectories(dir.resolve("output"));
        Files.createDirectory(top.resolve("d"));
        for (int i = 0; i < 25_000; i++) {
            Files.createDirectory(top.resolve("x"));
            Files.move(top.resolve("d"), top.resolve("x/d"));
            Files.move(top.resolve("x"), top.resolve("d"));
        }
        Files.writeString(dir.resolve("outside"), "kept");

        FileTrees.delete(top);

        assertThat(top).doesNotExist();
        assertThat(dir.resolve("outside")).hasContent("kept");
    }
}
