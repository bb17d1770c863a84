package org.maomao.cluster;

import static org.maomao.cluster.EtcdCall.await;
import static org.maomao.cluster.EtcdCall.bytes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.maomao.dataset.DatasetCatalog;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * The cluster's datasets in etcd: {@code <prefix>/datasets/<name>} holds the remote's URL, with
 * no lease (a dataset outlives the member that added it). The first member to add a name fixes
 * its remote: a put-if-absent, so two members adding one name at once agree on one remote.
 */
final class EtcdDatasetCatalog implements DatasetCatalog {
    /** The most datasets read in one listing. */
    static final int MAX_DATASETS = 10_000;

    private final Client client;
    private final String datasets;

    EtcdDatasetCatalog(Client client, String prefix) {
        this.client = client;
        this.datasets = prefix + "/datasets/";
    }

    @Override
    public Optional<String> remoteOf(String name) {
        List<KeyValue> kvs = await("read " + datasets + name, client.getKVClient().get(bytes(datasets + name))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
    }

    @Override
    public String register(String name, String url) {
        ByteSequence key = bytes(datasets + name);
        TxnResponse r = await("record dataset " + name, client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, bytes(url), PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT)).commit());
        if (r.isSucceeded() || r.getGetResponses().isEmpty() || r.getGetResponses().get(0).getKvs().isEmpty()) {
            return url;
        }
        return r.getGetResponses().get(0).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    @Override
    public Map<String, String> all() {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : await("list the datasets", client.getKVClient().get(bytes(datasets),
                GetOption.builder().isPrefix(true).withLimit(MAX_DATASETS).build())).getKvs()) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(datasets.length()),
                    kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return out;
    }
}
