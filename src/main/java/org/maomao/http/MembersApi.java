package org.maomao.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.maomao.cluster.Member;
import org.maomao.cluster.Members;

/**
 * {@code GET /members}: the daemons of the cluster as etcd lists them (a stopped or killed one is
 * gone within its lease TTL). Outside cluster mode, this daemon alone, with a sentence saying so.
 */
final class MembersApi implements Resource {
    static final String SINGLE = "cluster mode is off ([cluster] enabled = false): this daemon runs alone.";

    private final Members members;

    MembersApi(Members members) {
        this.members = members;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/members", ctx -> ctx.json(view(members)));
    }

    /** The answer of {@code GET /members}; 503 when etcd cannot be read. */
    static Map<String, Object> view(Members members) {
        List<Member> list;
        try {
            list = members.list();
        } catch (IllegalStateException e) {
            throw new ApiException(503, "unavailable", Texts.clip(e.getMessage())
                    + "; check [etcd] endpoints and that etcd is up (maomao doctor).");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", members.clustered());
        body.put("self", members.selfId());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Member m : list) {
            out.add(m.json());
        }
        body.put("members", out);
        if (!members.clustered()) {
            body.put("message", SINGLE);
        }
        return body;
    }
}
