package org.maomao.spike;

import java.util.List;

/**
 * The rows a run added to one table of its dataset (a CSV file: its header line and the
 * new lines; a JSONL file: null header and the new objects). The ingest reports them and
 * the detector reads them.
 */
public record TableRows(String file, String header, List<String> rows) {
}
