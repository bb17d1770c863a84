package org.maomao.dataset;

import java.io.IOException;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Bounds what a clone's checkout writes. A remote is hostile: a repository of 1.6 MB (two files of
 * 1.5 GB of zeros, compressed) checked out 3 GB onto the daemon's disk. Before the checkout, the files
 * of the tree are counted and their sizes added up from the object headers (nothing is inflated), and
 * a tree past either bound is refused.
 */
final class CheckoutSize {
    /** The most bytes a clone may check out. */
    static final long MAX_BYTES = 2L << 30;
    /** The most files a clone may check out. */
    static final long MAX_FILES = 1_000_000;

    private CheckoutSize() {
    }

    /** Why {@code tree} is too big to check out, as the end of a sentence; null when it is not. */
    static String problem(Repository repo, ObjectId tree) throws IOException {
        return problem(repo, tree, MAX_BYTES, MAX_FILES);
    }

    static String problem(Repository repo, ObjectId tree, long maxBytes, long maxFiles) throws IOException {
        long bytes = 0;
        long files = 0;
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(repo, reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                if (walk.getFileMode(0).getObjectType() != Constants.OBJ_BLOB || walk.getFileMode(0) == FileMode.GITLINK) {
                    continue;
                }
                files++;
                bytes += reader.getObjectSize(walk.getObjectId(0), Constants.OBJ_BLOB);
                if (files > maxFiles) {
                    return "its files are more than the " + maxFiles + " a clone may check out.";
                }
                if (bytes > maxBytes) {
                    return "its files hold more than the " + maxBytes + " bytes a clone may check out.";
                }
            }
        }
        return null;
    }
}
