package org.maomao.http;

import java.util.ArrayList;
import java.util.List;

import io.javalin.Javalin;
import io.javalin.http.Handler;

/**
 * Where each resource registers its routes: on Javalin, and in the list of
 * {@code "METHOD /path"} (OpenAPI path syntax) that the OpenAPI check compares with openapi.json.
 */
final class Routes {
    private final Javalin app;
    private final List<String> list = new ArrayList<>();

    Routes(Javalin app) {
        this.app = app;
    }

    void get(String path, Handler h) {
        list.add("GET " + openApiPath(path));
        app.get(path, h);
    }

    void post(String path, Handler h) {
        list.add("POST " + openApiPath(path));
        app.post(path, h);
    }

    void delete(String path, Handler h) {
        list.add("DELETE " + openApiPath(path));
        app.delete(path, h);
    }

    List<String> list() {
        return List.copyOf(list);
    }

    /** Javalin's {@code <id>} (a parameter that may hold '/') is {@code {id}} in OpenAPI. */
    static String openApiPath(String path) {
        return path.replace('<', '{').replace('>', '}');
    }
}
