-- The feed also carries what geofence and certification project besides status: the operator,
-- and configuration changes (parts and software) that re-open certification tiers.
alter table status_feed add column operator_org_id text not null default '';
alter table status_feed add column event_sequence bigint not null default 0;
-- A ConfigurationChange message for COMPONENT_REPLACED and SOFTWARE_UPDATED; null otherwise.
alter table status_feed add column configuration_change bytea;
