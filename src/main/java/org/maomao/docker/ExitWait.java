package org.maomao.docker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.WaitResponse;

/** Collects a container's exit code from the engine's wait. */
final class ExitWait extends ResultCallback.Adapter<WaitResponse> {
    private volatile Integer status;

    @Override
    public void onNext(WaitResponse r) {
        status = r.getStatusCode();
    }

    Integer await(Duration d) throws InterruptedException {
        awaitCompletion(d.toMillis(), TimeUnit.MILLISECONDS);
        return status;
    }
}
