package org.maomao.cluster;

import java.util.List;

/** The daemons that share this one's schedule, as {@code GET /members} shows them. */
public interface Members {
    /** Whether this daemon is a member of a cluster ({@code [cluster] enabled}). */
    boolean clustered();

    /** This daemon's id. */
    String selfId();

    /** Every live member, this one included, by id. */
    List<Member> list();
}
