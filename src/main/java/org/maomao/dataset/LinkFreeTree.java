package org.maomao.dataset;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Finds what a dataset's tree may not hold: symbolic links (a checkout would make them
 * point anywhere on the host), gitlinks (submodules, another repository inside), names
 * that Windows or macOS read as {@code .git} ({@code .g\u200cit}, {@code GIT~1}: git on Linux
 * checks them out as plain folders), and a folder holding HEAD, objects and refs, which
 * git takes for a repository whose config runs commands for anyone who types git in it.
 */
final class LinkFreeTree {
    private static final Set<String> REPO_FILES = Set.of(".gitignore", ".gitattributes", ".gitmodules");
    private static final Set<String> BARE_REPOSITORY = Set.of("head", "objects", "refs");

    private LinkFreeTree() {
    }

    /** What is wrong with {@code tree}, as part of a sentence naming the path in quotes; null if nothing. */
    static String problem(Repository repo, ObjectId tree) throws IOException {
        Map<String, Set<String>> folders = new HashMap<>();
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(tree);
            walk.setRecursive(false);
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                String path = walk.getPathString();
                if (mode == FileMode.SYMLINK || mode == FileMode.GITLINK) {
                    return "the symbolic link or submodule \"" + shorten(path) + "\"";
                }
                String name = walk.getNameString();
                if (OutputNames.isGitControlName(name) && !REPO_FILES.contains(name)) {
                    return "the name \"" + shorten(OutputNames.shown(path)) + "\", which git reads as one of its own "
                            + "files or its .git folder on Windows or macOS";
                }
                String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
                Set<String> names = folders.computeIfAbsent(parent, k -> new HashSet<>());
                names.add(name.toLowerCase(Locale.ROOT));
                // at the top, git finds the dataset's own .git first
                if (!parent.isEmpty() && names.containsAll(BARE_REPOSITORY)) {
                    return "the folder \"" + shorten(parent) + "\" with HEAD, objects and refs, "
                            + "which git takes for a git repository";
                }
                if (walk.isSubtree()) {
                    walk.enterSubtree();
                }
            }
        }
        return null;
    }

    private static String shorten(String path) {
        return path.length() > 120 ? path.substring(0, 117) + "..." : path;
    }
}
