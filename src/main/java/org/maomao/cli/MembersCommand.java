package org.maomao.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

/** {@code maomao members}: the daemons of the cluster, this one marked; outside cluster mode, the daemon alone. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "List the members of the cluster (the daemon alone when cluster mode is off).")
final class MembersCommand extends ClientCommand {
    @Override
    ExitCode execute(ApiClient api) {
        JsonNode body = api.get("/members");
        if (json()) {
            printJson(body);
            return ExitCode.OK;
        }
        String self = text(body, "self");
        Table t = new Table("ID", "URL", "VERSION", "CAPACITY", "IN_FLIGHT", "STARTED");
        for (JsonNode m : body.path("members")) {
            String id = text(m, "id");
            t.row(id.equals(self) ? id + " *" : id, text(m, "url"), text(m, "version"), text(m, "capacity"),
                    text(m, "in_flight"), text(m, "started_at"));
        }
        t.print(out());
        if (body.hasNonNull("message")) {
            out().println(body.get("message").asText());
        }
        out().flush();
        return ExitCode.OK;
    }
}
