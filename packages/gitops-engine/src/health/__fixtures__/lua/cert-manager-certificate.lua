-- Health of a cert-manager Certificate (cert-manager.io/v1).
-- Configure as resource.customizations.health.cert-manager.io_Certificate,
-- with resource.customizations.useOpenLibs.cert-manager.io_Certificate: "true"
-- (the expiry check reads dates with string.match).

local function condition(type_name)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == type_name then
      return c
    end
  end
  return nil
end

-- Seconds since the epoch for an RFC 3339 UTC time such as 2024-05-01T12:00:00Z.
local function epoch_seconds(timestamp)
  local y, mo, d, h, mi, s = string.match(timestamp, "^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)Z$")
  if y == nil then
    return nil
  end
  -- os.time reads a table as local time; the difference to os.date("!*t") corrects it to UTC.
  local fields = { year = tonumber(y), month = tonumber(mo), day = tonumber(d), hour = tonumber(h), min = tonumber(mi), sec = tonumber(s) }
  local now = os.time()
  local utc_offset = os.time(os.date("*t", now)) - os.time(os.date("!*t", now))
  return os.time(fields) + utc_offset
end

local hs = {}
local ready = condition("Ready")
local issuing = condition("Issuing")

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for cert-manager to process the certificate"
  return hs
end

if ready.observedGeneration ~= nil and obj.metadata.generation ~= nil and ready.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for cert-manager to process the new spec"
  return hs
end

if issuing ~= nil and issuing.status == "True" then
  hs.status = "Progressing"
  hs.message = "Issuing: " .. (issuing.message or "")
  return hs
end

if ready.status == "True" then
  local not_after = obj.status.notAfter and epoch_seconds(obj.status.notAfter)
  if not_after ~= nil and not_after <= os.time() then
    hs.status = "Degraded"
    hs.message = "Certificate expired at " .. obj.status.notAfter
    return hs
  end
  hs.status = "Healthy"
  hs.message = ready.message or ""
  return hs
end

-- Not ready and not issuing: a failed issuance waits for its back-off.
if obj.status.lastFailureTime ~= nil or (issuing ~= nil and issuing.reason == "Failed") then
  hs.status = "Degraded"
  hs.message = (issuing and issuing.message) or ready.message or "Issuing the certificate failed"
  return hs
end

hs.status = "Progressing"
hs.message = ready.message or "Waiting for the certificate to be issued"
return hs
