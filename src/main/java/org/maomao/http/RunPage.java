package org.maomao.http;

import static org.maomao.http.StatusPage.esc;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import org.maomao.run.Run;
import org.maomao.run.RunStore;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.http.Context;

/**
 * {@code GET /runs/{id}} for a browser: the run's state, attempts, duration, progress, result,
 * commit and timeline, and its log, which follows while the run goes on (a streamed fetch of
 * {@code /runs/{id}/log?follow=true}; the rest of the page is fetched again every second until
 * the run ends). Everything a collector controls (log, progress, result, messages) reaches the
 * page escaped or as text nodes; a Content-Security-Policy with a per-answer nonce lets only
 * the page's own script run, so even a missed escape could not run a collector's script.
 */
final class RunPage {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Characters of the log the page keeps (the tail): a log may be max_log long, and the page stays light. */
    static final int MAX_LOG_CHARS = 1_000_000;
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
            h1{margin:0 0 .4em;font-size:1.4em}h2{margin:1.2em 0 .4em;font-size:1.1em}
            table{border-collapse:collapse;background:#fff}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left;font-size:.9em;vertical-align:top}
            .succeeded{color:#17803d}.failed,.timed_out{color:#c0262d}.skipped,.cancelled{color:#888}
            .running,.queued,.retrying{color:#b26b00}
            pre{background:#fff;border:1px solid #e3e3e3;padding:8px;margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85em}
            #log{max-height:70vh;overflow:auto}#result pre{max-height:20em;overflow:auto}
            """;

    private final RunStore runs;
    private final ObjectMapper mapper;
    private final RunTimeline timeline;

    RunPage(RunStore runs, ObjectMapper mapper) {
        this.runs = runs;
        this.mapper = mapper;
        this.timeline = new RunTimeline(mapper);
    }

    /** Answers with the page of run {@code id}, or a 404 page. */
    void answer(Context ctx, String id) {
        String nonce = nonce();
        ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-"
                + nonce + "'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Vary", "Accept");
        Optional<Run> run = runs.find(id);
        if (run.isEmpty()) {
            ctx.status(404).html(head("no such run", nonce) + "<h1>No such run</h1><p>There is no run \"" + esc(Texts.clip(id))
                    + "\": it never existed, or it was deleted with its collector's older runs (keep_runs).</p>"
                    + "<p><a href=\"/\">Status page</a></p></body></html>");
            return;
        }
        ctx.html(render(run.get(), Instant.now(), nonce));
    }

    String render(Run r, Instant now, String nonce) {
        StringBuilder h = new StringBuilder(8192);
        h.append(head("run " + r.id().substring(0, Math.min(8, r.id().length())) + " of " + r.collector(), nonce));
        h.append("<p><a href=\"/\">maomao</a> › run <code>").append(esc(r.id())).append("</code></p>");
        h.append("<h1>").append(esc(r.collector())).append(" → ").append(esc(r.dataset())).append("</h1>");
        h.append("<div id=\"summary\" data-state=\"").append(r.state().id()).append("\" data-ended=\"")
                .append(r.state().isFinal()).append("\"><table id=\"facts\">");
        row(h, "state", "<span class=\"" + r.state().id() + "\">" + r.state().id() + "</span>");
        row(h, "attempt", r.attempt() + " of " + r.maxAttempts());
        row(h, "duration", esc(RunDurations.text(r, now)));
        row(h, "progress", r.progress() == null ? "-" : "<progress max=\"100\" value=\"" + r.progress() + "\"></progress> "
                + r.progress() + "%");
        row(h, "exit code", r.exitCode() == null ? "-" : r.exitCode().toString());
        row(h, "message", esc(r.message() == null ? "-" : r.message()));
        row(h, "commit", r.commit() == null ? "-" : "<code>" + esc(r.commit()) + "</code> in dataset " + esc(r.dataset()));
        row(h, "result", r.result() == null ? "-" : "<pre>" + esc(pretty(r.result())) + "</pre>");
        row(h, "trigger", esc(r.trigger()) + (r.scheduleId() == null ? "" : " (schedule " + esc(r.scheduleId()) + ")"));
        row(h, "image", esc(r.image()));
        row(h, "created", String.valueOf(r.createdAt()));
        row(h, "started", r.startedAt() == null ? "-" : r.startedAt().toString());
        row(h, "finished", r.finishedAt() == null ? "-" : r.finishedAt().toString());
        if (r.nextRetryAt() != null) {
            row(h, "next retry", r.nextRetryAt().toString());
        }
        h.append("</table><h2>Timeline</h2>");
        timeline.render(h, r.id(), runs.events(r.id()));
        h.append("</div><h2>Log</h2><p><a href=\"/runs/").append(esc(r.id()))
                .append("/log\">raw log</a> · <a href=\"/runs/").append(esc(r.id())).append("/events\">events</a> (JSON) · ")
                .append("<a href=\"/runs/").append(esc(r.id())).append("\" id=\"json\">run</a> (JSON)</p>")
                .append("<p id=\"log-cut\" hidden>Only the last ").append(MAX_LOG_CHARS)
                .append(" characters are shown; the raw log has all of it.</p>")
                .append("<pre id=\"log\" data-complete=\"false\"></pre>");
        h.append("<script nonce=\"").append(nonce).append("\">").append(SCRIPT).append("</script></body></html>");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, String html) {
        h.append("<tr><th>").append(name).append("</th><td id=\"").append(name.replace(' ', '-')).append("\">").append(html)
                .append("</td></tr>");
    }

    private static String head(String title, String nonce) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + " · maomao</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style nonce=\"" + nonce + "\">"
                + STYLE + "</style></head><body>";
    }

    /** The result's JSON indented; as stored when it does not parse. */
    private String pretty(String json) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }

    private static String nonce() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * The log follows by a streamed fetch, appended as text nodes (never parsed as HTML), of
     * which the last {@link #MAX_LOG_CHARS} characters are kept; it is fetched again from the
     * start if the stream breaks before the run has ended. The summary
     * and timeline are fetched again each second, as HTML this daemon escaped, until the run ends.
     */
    private static final String SCRIPT = """
            (function(){
              var MAX=%d;
              var log=document.getElementById('log');
              var path=location.pathname;
              function ended(){return document.getElementById('summary').getAttribute('data-ended')==='true';}
              var size=0;
              function add(t){
                if(!t){return;}
                var atEnd=log.scrollTop+log.clientHeight>=log.scrollHeight-4;
                log.appendChild(document.createTextNode(t));
                size+=t.length;
                while(size>MAX&&log.firstChild){
                  var first=log.firstChild,over=size-MAX;
                  if(first.data.length>over){first.deleteData(0,over);size-=over;}
                  else{size-=first.data.length;log.removeChild(first);}
                  document.getElementById('log-cut').hidden=false;
                }
                if(atEnd){log.scrollTop=log.scrollHeight;}
              }
              function follow(){
                log.textContent='';
                size=0;
                log.setAttribute('data-complete','false');
                fetch(path+'/log?follow=true',{cache:'no-store'}).then(function(r){
                  if(!r.ok||!r.body){throw new Error('HTTP '+r.status);}
                  var reader=r.body.getReader(),dec=new TextDecoder();
                  function pump(){
                    return reader.read().then(function(c){
                      if(c.done){add(dec.decode());log.setAttribute('data-complete','true');return;}
                      add(dec.decode(c.value,{stream:true}));
                      return pump();
                    });
                  }
                  return pump();
                }).catch(function(e){
                  log.setAttribute('data-error',String(e));
                  if(!ended()){setTimeout(follow,2000);}
                });
              }
              function refresh(){
                fetch(path,{headers:{'Accept':'text/html'},cache:'no-store'}).then(function(r){return r.text();})
                .then(function(html){
                  var fresh=new DOMParser().parseFromString(html,'text/html').getElementById('summary');
                  if(fresh){document.getElementById('summary').replaceWith(document.importNode(fresh,true));}
                  if(!ended()){setTimeout(refresh,1000);}
                },function(){setTimeout(refresh,3000);});
              }
              follow();
              if(!ended()){setTimeout(refresh,1000);}
            })();
            """.formatted(MAX_LOG_CHARS);
}
