package org.maomao.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock for the store contracts: stands still until a test moves it, so stored times can be asserted exactly. */
final class ContractClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-02T03:04:05.678Z");

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
