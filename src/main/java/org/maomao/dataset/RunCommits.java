package org.maomao.dataset;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Finds the commit a run made, by its {@code Run-Id} trailer. The search walks back from
 * HEAD only over commits younger than the run (with an hour's slack for clocks), so its
 * cost is the number of commits made since the run was queued, not the dataset's history.
 */
final class RunCommits {
    /** Slack for commit times that run behind the daemon's clock. */
    private static final Duration SLACK = Duration.ofHours(1);
    /** How far back to look when the run's submission time is not known. */
    private static final int UNKNOWN_AGE_DEPTH = 200;

    private RunCommits() {
    }

    static Optional<String> find(Repository repo, String runId, Instant submittedAt) throws IOException {
        return find(repo, repo.resolve("HEAD"), runId, submittedAt);
    }

    /** The same, walking back from {@code head} (a remote's branch, say); none when head is null. */
    static Optional<String> find(Repository repo, ObjectId head, String runId, Instant submittedAt) throws IOException {
        if (head == null) {
            return Optional.empty();
        }
        String trailer = "\nRun-Id: " + runId + "\n";
        long oldest = submittedAt == null ? Long.MIN_VALUE : submittedAt.minus(SLACK).getEpochSecond();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.sort(RevSort.COMMIT_TIME_DESC);
            walk.markStart(walk.parseCommit(head));
            int seen = 0;
            for (RevCommit c : walk) {
                if (c.getCommitTime() < oldest || (submittedAt == null && ++seen > UNKNOWN_AGE_DEPTH)) {
                    break;
                }
                String message = c.getFullMessage();
                if ((message.endsWith("\n") ? message : message + "\n").contains(trailer)) {
                    return Optional.of(c.getName());
                }
            }
        }
        return Optional.empty();
    }
}
