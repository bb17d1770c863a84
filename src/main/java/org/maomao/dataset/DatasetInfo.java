package org.maomao.dataset;

/**
 * What a dataset is: its remote (null for a local one), branch, head commit and how
 * many local commits the remote does not have yet.
 */
public record DatasetInfo(String name, String remote, String branch, String head, int aheadBy) {
}
