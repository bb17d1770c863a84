package org.maomao.cluster;

import java.util.List;
import java.util.function.Supplier;

/** Outside cluster mode: this daemon alone, as it is now (nothing is kept in etcd). */
public final class LocalMember implements Members {
    private final Supplier<Member> self;

    public LocalMember(Supplier<Member> self) {
        this.self = self;
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public String selfId() {
        return self.get().id();
    }

    @Override
    public List<Member> list() {
        return List.of(self.get());
    }
}
