package org.maomao.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A CLI command that talks to a daemon: gets the client from the global options and
 * turns failures into the CLI's exit codes (2 usage or refused input, 3 unreachable).
 */
abstract class ClientCommand implements Callable<Integer> {
    @ParentCommand
    MaomaoCli root;

    @Spec
    CommandSpec spec;

    /** The work; returns the exit code. */
    abstract ExitCode execute(ApiClient api) throws Exception;

    @Override
    public Integer call() throws Exception {
        try {
            return execute(root.client()).code();
        } catch (ApiClient.Failure f) {
            err().println("maomao: " + f.getMessage());
            err().flush();
            return f.code.code();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return root.json;
    }

    /** Prints {@code node} as indented JSON. */
    void printJson(JsonNode node) {
        try {
            out().println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }

    /** Prints a listing: the daemon's JSON with --json, else one table row per element. */
    ExitCode list(JsonNode list, Table table, java.util.function.BiConsumer<Table, JsonNode> row) {
        if (json()) {
            printJson(list);
        } else {
            list.forEach(e -> row.accept(table, e));
            table.print(out());
        }
        return ExitCode.OK;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.isTextual() ? v.asText() : v.toString();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
