{#- is_sla_breached is set exactly when the turnaround (finished) or the waiting time
    (open) exceeds sla_hours. Fails with requests flagged the wrong way. -#}
select
    request_id,
    status,
    turnaround_hours,
    open_hours,
    sla_hours,
    is_sla_breached
from {{ ref('mart_data_request') }}
where is_sla_breached != toUInt8(COALESCE(COALESCE(turnaround_hours, open_hours) > sla_hours, 0))
