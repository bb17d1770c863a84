package org.maomao.http;

/** One resource of the API (runs, collectors, ...): it registers its own routes. */
interface Resource {
    void register(Routes routes);
}
