package org.maomao.dataset;

import java.time.Instant;

/** One commit of a dataset, with the run trailers maomao writes. */
public record DatasetCommit(String id, String subject, Instant time, String runId, String collector, String attempt) {
}
