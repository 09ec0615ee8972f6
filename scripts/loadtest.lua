-- A realistic mix of the catalogue's pages, for wrk (one request drawn per call).
local paths = {
  "/", "/fiches/", "/fiches/", "/fiches/?theme=mobilite",
  "/fiches/?theme=alimentation-et-agriculture&region=bretagne",
  "/fiches/?q=reciprocite", "/fiches/?q=alimentation&sort=annee",
  "/fiches/grand-clermont-pnr-livradois-forez-pat/",
  "/fiches/toulouse-metropole-portes-de-gascogne-contrat-reciprocite/",
  "/fiches/entente-tridan/", "/territoires/pnr-livradois-forez/", "/outils/",
  "/outils/contrat-de-reciprocite/", "/thematiques/mobilite/", "/carte/", "/statistiques/",
  "/enseignements/", "/api/fiches/?theme=mobilite", "/api/fiches/terralim/",
}
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["X-Forwarded-Proto"] = "https" })
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f throughput_rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d non2xx=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status, summary.errors.timeout))
end
