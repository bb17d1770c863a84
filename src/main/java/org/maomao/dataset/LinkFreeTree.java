package org.maomao.dataset;

import java.io.IOException;

import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Finds what a dataset's tree may not hold: symbolic links (a checkout would make them
 * point anywhere on the host) and gitlinks (submodules, another repository inside).
 */
final class LinkFreeTree {
    private LinkFreeTree() {
    }

    /** The path of the first symbolic link or submodule in {@code tree}, or null if there is none. */
    static String firstLinkOrSubmodule(Repository repo, ObjectId tree) throws IOException {
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                if (mode == FileMode.SYMLINK || mode == FileMode.GITLINK) {
                    return walk.getPathString();
                }
            }
        }
        return null;
    }
}
