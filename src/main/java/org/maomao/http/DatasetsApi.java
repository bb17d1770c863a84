package org.maomao.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.maomao.collector.Names;
import org.maomao.dataset.DatasetInfo;
import org.maomao.dataset.GitDatasets;
import org.maomao.dataset.RemoteUrls;

import io.javalin.http.Context;

/** Datasets: creating one (empty, or cloned from an allowed remote), listing, reading, and its commits. */
final class DatasetsApi implements Resource {
    /** The most commits one {@code GET /datasets/{name}/commits} answers. */
    static final int MAX_COMMITS = 1000;

    private final GitDatasets datasets;
    private final JsonViews views;

    DatasetsApi(GitDatasets datasets, JsonViews views) {
        this.datasets = datasets;
        this.views = views;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/datasets", this::create);
        routes.get("/datasets", ctx -> {
            List<Object> out = new ArrayList<>();
            for (String n : datasets.list()) {
                datasets.info(n).ifPresent(i -> out.add(views.dataset(i)));
            }
            ctx.json(out);
        });
        routes.get("/datasets/{name}", ctx -> ctx.json(views.dataset(dataset(ctx.pathParam("name")))));
        routes.get("/datasets/{name}/commits", ctx -> {
            dataset(ctx.pathParam("name"));
            ctx.json(datasets.commits(ctx.pathParam("name"), QueryParams.count(ctx, "limit", 50, MAX_COMMITS)).stream()
                    .map(views::commit).toList());
        });
    }

    private DatasetInfo dataset(String name) throws IOException {
        if (!Names.isValid(name)) {
            throw ApiException.notFound("dataset \"" + name + "\" does not exist.");
        }
        return datasets.info(name).orElseThrow(() -> ApiException.notFound("dataset \"" + name
                + "\" does not exist; POST /datasets creates one."));
    }

    private void create(Context ctx) {
        JsonBody body = JsonBody.read(ctx, Set.of("name", "url"));
        String name = body.requiredString("name");
        String url = body.string("url");
        InvalidInput.as400(() -> Names.require("dataset", name));
        if (url != null) {
            try {
                datasets.checkRemote(url);
            } catch (RemoteUrls.RemoteNotAllowedException e) {
                throw new ApiException(403, "remote_not_allowed", e.getMessage());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        try {
            ctx.status(201).json(views.dataset(InvalidInput.as400(() -> {
                try {
                    return datasets.create(name, url);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            })));
        } catch (GitDatasets.DatasetExistsException e) {
            throw new ApiException(409, "exists", e.getMessage());
        } catch (UncheckedIOException e) {
            throw new ApiException(422, e.getCause() instanceof GitDatasets.RefusedDatasetException ? "dataset_refused"
                    : "clone_failed", e.getCause().getMessage() + ".");
        }
    }
}
