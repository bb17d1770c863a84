package org.maomao.http;

import java.util.List;

import org.maomao.cluster.Member;
import org.maomao.cluster.Members;

/**
 * The Members table of the status page: each daemon of the cluster with its URL, version,
 * capacity and runs in flight; this daemon alone, said so, outside cluster mode.
 */
final class MembersSection {
    private MembersSection() {
    }

    static void render(StringBuilder h, Members members) {
        if (members == null) {
            return;
        }
        h.append("<h2>Members</h2>");
        List<Member> list;
        try {
            list = members.list();
        } catch (IllegalStateException e) {
            h.append("<p id=\"members\" class=\"down\">").append(StatusPage.esc(Texts.clip(e.getMessage()))).append("</p>");
            return;
        }
        if (!members.clustered()) {
            h.append("<p>").append(StatusPage.esc(MembersApi.SINGLE)).append("</p>");
        }
        h.append("<table id=\"members\"><tr><th>id</th><th>url</th><th>version</th><th>capacity</th><th>in flight</th>"
                + "<th>started</th></tr>");
        for (Member m : list) {
            String url = m.url() == null ? "" : m.url();
            // a member's URL comes from etcd: linked only when it is plainly http(s)
            String shown = url.matches("https?://[^\\s\"<>]+")
                    ? "<a href=\"" + StatusPage.esc(url) + "\">" + StatusPage.esc(url) + "</a>" : StatusPage.esc(url);
            h.append(m.id().equals(members.selfId()) ? "<tr class=\"self\"><td>" : "<tr><td>").append(StatusPage.esc(m.id()))
                    .append(m.id().equals(members.selfId()) ? " (this one)" : "").append("</td><td>").append(shown)
                    .append("</td><td>").append(StatusPage.esc(m.version())).append("</td><td>").append(m.capacity())
                    .append("</td><td>").append(m.inFlight()).append("</td><td>").append(m.startedAt()).append("</td></tr>");
        }
        h.append("</table>");
    }
}
