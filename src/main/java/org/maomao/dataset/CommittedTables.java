package org.maomao.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.OrTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.maomao.spike.TableRows;

/**
 * The CSV rows and JSONL lines a commit added under a collector's folder, read back from git: what the
 * ingest that made the commit reported, for a run whose commit survived a crash but whose
 * spike analysis may not have. Only the recovery of a crashed run reads this, so it
 * streams both versions of each table rather than keeping state for it.
 */
final class CommittedTables {
    private CommittedTables() {
    }

    static List<TableRows> of(Repository repo, String commit, String collector) throws IOException {
        List<TableRows> out = new ArrayList<>();
        RowTail.Budget budget = RowTail.Budget.perRun();
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            tree.setRecursive(true);
            tree.setFilter(AndTreeFilter.create(new TreeFilter[] {PathFilter.create(collector),
                    OrTreeFilter.create(PathSuffixFilter.create(".csv"), PathSuffixFilter.create(".jsonl")),
                    TreeFilter.ANY_DIFF}));
            if (c.getParentCount() > 0) {
                tree.addTree(walk.parseCommit(c.getParent(0)).getTree());
            } else {
                tree.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
            }
            tree.addTree(c.getTree());
            while (tree.next()) {
                String lower = tree.getPathString().toLowerCase(Locale.ROOT);
                if (tree.getFileMode(1).getObjectType() != org.eclipse.jgit.lib.Constants.OBJ_BLOB
                        || !(lower.endsWith(".csv") || lower.endsWith(".jsonl"))) {
                    continue; // deleted, or not a file
                }
                String rel = tree.getPathString().substring(collector.length() + 1);
                ObjectLoader now = repo.open(tree.getObjectId(1));
                if (lower.endsWith(".jsonl")) {
                    out.add(new TableRows(rel, "", jsonlRows(repo, tree, now, budget)));
                    continue;
                }
                String header;
                try (BufferedReader r = reader(now.openStream())) {
                    header = strip(r.readLine());
                }
                if (header == null) {
                    continue;
                }
                // as the ingest counts them: with the same header, rows past the parent's row count are new
                long seen = 0;
                if (tree.getFileMode(0).getObjectType() == org.eclipse.jgit.lib.Constants.OBJ_BLOB) {
                    try (BufferedReader r = reader(repo.open(tree.getObjectId(0)).openStream())) {
                        if (header.equals(strip(r.readLine()))) {
                            for (String line = r.readLine(); line != null; line = r.readLine()) {
                                seen += line.isBlank() || line.equals("\r") ? 0 : 1;
                            }
                        }
                    }
                }
                // as the ingest hands them over: the newest new rows, within the run's budget
                RowTail rows = budget.tail();
                try (BufferedReader r = reader(now.openStream())) {
                    r.readLine(); // the header
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        line = strip(line);
                        if (!line.isBlank()) {
                            rows.add(line);
                        }
                    }
                }
                out.add(new TableRows(rel, header, rows.from(seen)));
            }
        }
        return out;
    }

    /** As the ingest counts them: the non-blank lines past the parent's count of non-blank lines. */
    private static List<String> jsonlRows(Repository repo, TreeWalk tree, ObjectLoader now, RowTail.Budget budget)
            throws IOException {
        long seen = 0;
        if (tree.getFileMode(0).getObjectType() == org.eclipse.jgit.lib.Constants.OBJ_BLOB) {
            try (BufferedReader r = reader(repo.open(tree.getObjectId(0)).openStream())) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    seen += line.isBlank() ? 0 : 1;
                }
            }
        }
        RowTail rows = budget.tail();
        try (BufferedReader r = reader(now.openStream())) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    rows.add(line);
                }
            }
        }
        return rows.from(seen);
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static String strip(String line) {
        return line != null && line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
