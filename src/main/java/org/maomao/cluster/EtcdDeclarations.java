package org.maomao.cluster;

import static org.maomao.cluster.EtcdCall.await;
import static org.maomao.cluster.EtcdCall.bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

/**
 * {@code <prefix>/declared/<member id>}: the names the member's collector files declare, one a
 * line. No lease: a member that is stopped keeps its declarations, so its collectors are not
 * removed while it is away (a member retired for good is forgotten with
 * {@code etcdctl del <prefix>/declared/<id>}).
 */
final class EtcdDeclarations implements Declarations {
    private static final int MAX_MEMBERS = 10_000;

    private final Client client;
    private final String declared;
    private final String id;

    EtcdDeclarations(Client client, String prefix, String id) {
        this.client = client;
        this.declared = prefix + "/declared/";
        this.id = id;
    }

    @Override
    public Set<String> declaredByOthers() {
        Set<String> out = new TreeSet<>();
        for (KeyValue kv : await("read the members' declared collectors", client.getKVClient().get(bytes(declared),
                GetOption.builder().isPrefix(true).withLimit(MAX_MEMBERS).build())).getKvs()) {
            if (!kv.getKey().toString(StandardCharsets.UTF_8).equals(declared + id)) {
                Arrays.stream(kv.getValue().toString(StandardCharsets.UTF_8).split("\n"))
                        .filter(s -> !s.isBlank()).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void publish(List<String> names) {
        await("record this member's declared collectors", client.getKVClient().put(bytes(declared + id), bytes(String.join("\n", names))));
    }
}
