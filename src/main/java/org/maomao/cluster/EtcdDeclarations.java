package org.maomao.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
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
    private static final long CALL_SECONDS = 5;
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
        for (KeyValue kv : call(client.getKVClient().get(bytes(declared),
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
        call(client.getKVClient().put(bytes(declared + id), bytes(String.join("\n", names))));
    }

    private static <T> T call(CompletableFuture<T> f) {
        try {
            return f.get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the declared collectors in etcd", e);
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("cannot read or record the members' declared collectors in etcd: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
