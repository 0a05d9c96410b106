# tp as the SageMaker Processing container of tabular_preprocessing.py: Debian 12 slim,
# the runtime packages only, tp built and installed with make install, tp-processing as
# the entrypoint. Every step is .ci/container's, which CI runs for real
# (.ci/container all PREFIX): no Docker engine runs on the CI machines.
FROM debian:12-slim AS build
COPY . /src
RUN /src/.ci/container runtime-deps && /src/.ci/container build-deps && \
    /src/.ci/container build /opt/tp && /src/.ci/container smoke /opt/tp

FROM debian:12-slim
COPY --from=build /src/.ci/container /tmp/container
RUN sh /tmp/container runtime-deps && rm -rf /var/lib/apt/lists/* /tmp/container
COPY --from=build /opt/tp /usr/local
ENTRYPOINT ["/usr/local/bin/tp-processing"]
CMD ["--job_type", "training"]
