-- Health of an External Secrets Operator ExternalSecret (external-secrets.io v1beta1 and v1).
-- Configure as resource.customizations.health.external-secrets.io_ExternalSecret.
-- It needs no open libraries.

local hs = {}
local ready = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then
      ready = c
    end
  end
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the first sync from the secret store"
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Secret synced"
  return hs
end

-- SecretSyncedError: the store refused or the key does not exist; SecretDeleted: the target was removed.
if ready.reason == "SecretSyncedError" or ready.reason == "SecretDeleted" then
  hs.status = "Degraded"
  hs.message = ready.message or ready.reason
  return hs
end

hs.status = "Progressing"
hs.message = ready.message or ready.reason or "Waiting for the secret to sync"
return hs
