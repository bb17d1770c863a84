package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.maomao.config.HttpLimits;

/** Who gets the run page: browsers by their Accept header, and only with the token when the daemon has one. */
class RunPageAccessTest {
    static final String CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
            + "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
    static final String FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    ApiServer api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void should_give_html_to_browsers_and_json_to_every_api_client() {
        assertThat(Accepts.html(CHROMIUM)).isTrue();
        assertThat(Accepts.html(FIREFOX)).isTrue();
        assertThat(Accepts.html("text/html")).isTrue();
        assertThat(Accepts.html("application/json;q=0.5, text/html")).isTrue();
        for (String api : new String[] {null, "", "*/*", "application/json", "application/json, text/plain, */*",
                "text/html;q=0.5, application/json", "text/html, application/json", "text/html;q=0", "text/html;q=abc",
                "text/html;q=7", "text/*", "TEXT/HTML;q=0, application/json"}) {
            assertThat(Accepts.html(api)).as(api).isFalse();
        }
        assertThat(Accepts.html("TEXT/HTML ; Q=0.9")).isTrue();
        assertThat(Accepts.html(",".repeat(100_000) + "text/html")).as("read only so far").isFalse();
    }

    @Test
    void should_refuse_the_run_page_without_the_token_like_every_route() throws Exception {
        api = new ApiServer(new ApiServer.Parts(null, null, null, null, null, null, null, Map.of(), Map::of,
                () -> "", () -> "", null, null), "s3cret-s3cret-s3cret", HttpLimits.defaults());
        int port = api.start("127.0.0.1", 0);
        HttpClient http = HttpClient.newHttpClient();
        for (String auth : new String[] {null, "Bearer wrong"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/runs/some-run"))
                    .header("Accept", CHROMIUM);
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(auth).isEqualTo(401);
            assertThat(r.body()).contains("\"unauthorized\"").doesNotContain("<html");
        }
    }
}
