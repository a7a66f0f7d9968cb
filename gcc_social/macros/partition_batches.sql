{#- Partition-wise first builds and full refreshes, in the spirit of dbt's microbatch.

    A first build (or a full refresh) of the largest models at 1M creators needs the
    whole history in one query: the staging dedup's key set or the marts' per-post
    aggregation states outgrow any sane per-query memory limit. A model marks where a
    batch predicate goes with batch_where() / batch_slot(); the slot renders as the
    no-op `1 = 1` plus a comment naming how to split (so compiled SQL stays valid and an
    incremental run, which never goes through create_table_as, is unchanged). The
    create_table_as override below creates the table empty, then inserts the model's
    SELECT once per batch, each with the slot replaced by that batch's predicate:

      month  consecutive months of `column` (a DateTime/Date the source is partitioned
             by, so each batch reads only its partitions), grouped so a batch holds at
             most var('stir_batch_rows') source rows; every row falls in exactly one
             batch (the first and last are open-ended)
      range  n = ceil(source rows / stir_batch_rows) ranges of a key the source is
             sorted by (boundaries from a sorted sample of the key), so each batch reads
             only its key range through the primary index (hashing the key would make
             every batch read the whole source: n x the reads, quadratic in the data);
             every key (a post, a profile) lands whole in one batch, so per-key dedup,
             aggregation and window functions give the same rows as a one-shot build.
             Several range slots (a UNION of two sources) share n; batch i takes the
             i-th range of each.
      month1 the month batches of the model's one `month` slot, each starting one month
             earlier: for a window that looks one month back (last month's rank), the
             source slot is `month1` and the model keeps only its batch's months with a
             `month` slot after the window (per-month windows see whole months).

    Inserts go into the intermediate table before dbt swaps it in, so a full refresh
    never exposes a half-built table; a first build is built aside and renamed in. Below stir_batch_rows (every test and the 100k
    bench) there is a single batch: the plain one-shot build; a model's
    meta={'batch_rows': N} asks for smaller batches (var('stir_batch_rows') still wins
    when set smaller, as the tests do). var('stir_batched_builds',
    true) = false turns batching off. -#}

{#- `keys`: a subquery of the keys this model actually reads (a partial run's hot
    profiles): range batches are then planned, counted and cut, over those keys' rows of
    `relation` only, so a run touching 20 % of the profiles makes a fifth of the batches
    (each batch re-reads `relation`). Comments are dropped: the slot lives in one. -#}
{% macro batch_slot(kind, column, relation, keys=none) -%}
{%- if keys -%}
    {#- drop /* ... */ comments and collapse whitespace (plain string methods: sqlfluff's
        templater has no `modules`) -#}
    {%- set parts = keys.split('/*') -%}
    {%- set bare = namespace(sql=parts[0]) -%}
    {%- for part in parts[1:] -%}
        {%- set bare.sql = bare.sql ~ ' ' ~ part.split('*/', 1)[-1] -%}
    {%- endfor -%}
    {%- set keys = bare.sql.split() | join(' ') -%}
    {%- if '*' in keys -%}
        {{ exceptions.raise_compiler_error("batch_slot keys must not contain '*': " ~ keys) }}
    {%- endif -%}
    {%- set relation = '(select ' ~ column ~ ' from ' ~ relation ~ ' where ' ~ column ~ ' in (' ~ keys ~ '))' -%}
{%- endif -%}
1 = 1 /* stir_batch:{{ kind }}:{{ column }}:{{ relation }} */
{%- endmacro %}

{#- `where <slot>` on a first build / full refresh, nothing on an incremental run (so it
    never meets incremental_lookback's own `where`). -#}
{% macro batch_where(kind, column, relation) -%}
{%- if not is_incremental() %}
where {{ batch_slot(kind, column, relation) }}
{%- endif %}
{%- endmacro %}

{#- One SELECT per batch (the slot replaced by its predicate); [sql] when not batched. -#}
{% macro stir_batched_selects(sql) -%}
{%- set slots = modules.re.findall('1 = 1 /\\* stir_batch:(\\w+):(\\w+):([^*]+?) \\*/', sql) -%}
{%- if not slots or not var('stir_batched_builds', true) or not execute -%}
    {{ return([sql]) }}
{%- endif -%}
{#- a model with wide rows to sort can ask for smaller batches: meta={'batch_rows': N} -#}
{%- set per_batch = var('stir_batch_rows', 10000000) | int -%}
{%- set model_rows = (config.get('meta') or {}).get('batch_rows') -%}
{%- if model_rows and (model_rows | int) < per_batch -%}
    {%- set per_batch = model_rows | int -%}
{%- endif -%}
{%- set kinds = slots | map(attribute=0) | unique | list -%}
{%- set month_slots = slots | selectattr(0, 'equalto', 'month') | list -%}
{%- if 'range' in kinds and kinds | length > 1
       or 'month' in kinds and month_slots | length > 1
       or 'month1' in kinds and 'month' not in kinds -%}
    {{ exceptions.raise_compiler_error("batched build: use range slots only, or one month slot (plus month1 slots)") }}
{%- endif -%}
{%- set ns = namespace(n=1, preds=[]) -%}
{%- if kinds[0] == 'range' -%}
    {%- for slot in slots -%}
        {%- set rows = run_query('select count() from ' ~ slot[2]).columns[0].values()[0] | int -%}
        {%- set ns.n = [ns.n, ((rows + per_batch - 1) // per_batch)] | max -%}
    {%- endfor -%}
    {%- set cuts = {} -%}
    {%- for slot in slots if ns.n > 1 -%}
        {%- set sample_sql -%}
            select distinct toString(b) as b from (
                select arraySort(groupArraySample({{ ns.n * 64 }})({{ slot[1] }})) as s from {{ slot[2] }}
            ) array join arrayMap(k -> s[intDiv(length(s) * k, {{ ns.n }}) + 1], range(1, {{ ns.n }})) as b
            order by b
        {%- endset -%}
        {%- do cuts.update({slot[1] ~ slot[2]: run_query(sample_sql).columns[0].values() | list}) -%}
    {%- endfor -%}
    {%- for i in range(ns.n) -%}
        {%- set ns.preds = ns.preds + [{'i': i}] -%}
    {%- endfor -%}
{%- else -%}
    {%- set col = month_slots[0][1] -%}
    {%- set months = run_query('select toString(toStartOfMonth(' ~ col ~ ')) as m, count() from ' ~ month_slots[0][2]
                               ~ ' group by m order by m').rows -%}
    {%- set bounds = namespace(starts=[], acc=0) -%}
    {%- for m in months -%}
        {%- if loop.first or bounds.acc + (m[1] | int) > per_batch -%}
            {%- set bounds.starts = bounds.starts + [m[0]] -%}
            {%- set bounds.acc = 0 -%}
        {%- endif -%}
        {%- set bounds.acc = bounds.acc + (m[1] | int) -%}
    {%- endfor -%}
    {%- set ns.n = [bounds.starts | length, 1] | max -%}
    {%- for i in range(ns.n) -%}
        {%- set lo = col ~ " >= toDate('" ~ bounds.starts[i] ~ "')" if i > 0 else none -%}
        {%- set lo1 = col ~ " >= addMonths(toDate('" ~ bounds.starts[i] ~ "'), -1)" if i > 0 else none -%}
        {%- set hi = col ~ " < toDate('" ~ bounds.starts[i + 1] ~ "')" if i + 1 < ns.n else none -%}
        {%- set ns.preds = ns.preds + [{'i': i, 'sql': [lo, hi] | reject('none') | join(' and ') or '1 = 1',
                                         'sql1': [lo1, hi] | reject('none') | join(' and ') or '1 = 1'}] -%}
    {%- endfor -%}
{%- endif -%}
{%- if ns.n <= 1 -%}
    {{ return([sql]) }}
{%- endif -%}
{%- set out = [] -%}
{%- for p in ns.preds -%}
    {%- set text = namespace(sql=sql) -%}
    {%- for slot in slots -%}
        {%- set marker = '1 = 1 /* stir_batch:' ~ slot[0] ~ ':' ~ slot[1] ~ ':' ~ slot[2] ~ ' */' -%}
        {%- if slot[0] == 'range' -%}
            {%- set pred = stir_range_predicate(slot[1], cuts[slot[1] ~ slot[2]], p['i']) -%}
        {%- else -%}
            {%- set pred = p['sql1'] if slot[0] == 'month1' else p['sql'] -%}
        {%- endif -%}
        {%- set text.sql = text.sql.replace(marker, pred ~ ' /* stir_batch ' ~ (p['i'] + 1) ~ ' of ' ~ ns.n ~ ' */') -%}
    {%- endfor -%}
    {%- do out.append(text.sql) -%}
{%- endfor -%}
{{ log('batched build of ' ~ this ~ ': ' ~ ns.n ~ ' ' ~ ('range' if 'range' in kinds else 'month') ~ ' batches', info=True) }}
{{ return(out) }}
{%- endmacro %}

{#- The i-th of the key ranges cut at `cuts` (sorted), open-ended at both ends; past the
    last range (a slot with fewer distinct cuts than the batches) it matches nothing. -#}
{% macro stir_range_predicate(column, cuts, i) -%}
{%- set quoted = [] -%}
{%- for c in cuts -%}
    {%- do quoted.append("'" ~ c.replace('\\', '\\\\').replace("'", "\\'") ~ "'") -%}
{%- endfor -%}
{%- if i > quoted | length -%}
0 = 1
{%- elif quoted | length == 0 -%}
1 = 1
{%- elif i == 0 -%}
{{ column }} < {{ quoted[0] }}
{%- elif i == quoted | length -%}
{{ column }} >= {{ quoted[-1] }}
{%- else -%}
{{ column }} >= {{ quoted[i - 1] }} and {{ column }} < {{ quoted[i] }}
{%- endif -%}
{%- endmacro %}

{#- dbt-clickhouse's create_table_as (create empty, then insert the SELECT), inserting
    batch by batch when the SQL carries a batch slot. A full refresh builds into dbt's
    intermediate table, but a first build goes straight into the target: it is built
    aside and renamed into place by the last statement, so a batch (or the one insert)
    that fails leaves no empty or half-filled target for the next run to mistake for
    history (an incremental run over it would read the whole source at once). -#}
{% macro clickhouse__create_table_as(temporary, relation, sql) -%}
    {%- set has_contract = config.get('contract').enforced %}
    {%- set selects = [sql] if temporary else stir_batched_selects(sql) %}
    {#- a first build straight into the target (incremental models): built aside, batched or not -#}
    {%- if not temporary and relation.schema == this.schema and relation.identifier == this.identifier %}
        {%- set building = relation.incorporate(path={'identifier': relation.identifier ~ '__stir_building'}) %}
        {% call statement('stir_batch_clear') %}drop table if exists {{ building }}{% endcall %}
        {{ clickhouse__create_empty_table(False, building, sql, has_contract) }}
        {%- for batch_sql in selects %}
            {% call statement('stir_batch_' ~ loop.index) %}
                {{ clickhouse__insert_into(building, batch_sql, has_contract) }}
            {% endcall %}
        {%- endfor %}
        rename table {{ building }} to {{ relation }}
    {%- else %}
        {{ clickhouse__create_empty_table(temporary, relation, sql, has_contract) }}
        {%- for batch_sql in selects[:-1] %}
            {% call statement('stir_batch_' ~ loop.index) %}
                {{ clickhouse__insert_into(relation, batch_sql, has_contract) }}
            {% endcall %}
        {%- endfor %}
        {%- if not temporary %}
            {{ clickhouse__insert_into(relation, selects[-1], has_contract) }}
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- An incremental append run of a model with meta={'batch_incremental': true} is batched
    the same way: the partial post rankers re-rank every profile with a post scraped in
    the last 4 hours, ~20 % of the profiles at 1M creators, and their windows over those
    profiles' posts went over the 3 GB query cap in one statement. Range batches keep
    each profile whole (its rows share one ranked_at), so readers that take a profile's
    latest ranking see the same rows; a run cut short leaves some profiles re-ranked and
    the rest as the previous run left them, both valid states. -#}
{% macro clickhouse__insert_into(target_relation, sql, has_contract, use_columns_from_sql=False) -%}
    {%- set batched = execute and (config.get('meta') or {}).get('batch_incremental') and is_incremental()
        and target_relation.schema == this.schema and target_relation.identifier == this.identifier %}
    {%- set selects = stir_batched_selects(sql) if batched else [sql] %}
    {%- for batch_sql in selects[:-1] %}
        {% call statement('stir_incremental_batch_' ~ loop.index) %}
            {{ dbt.clickhouse__insert_into(target_relation, batch_sql, has_contract, use_columns_from_sql) }}
        {% endcall %}
    {%- endfor %}
    {{ dbt.clickhouse__insert_into(target_relation, selects[-1], has_contract, use_columns_from_sql) }}
{%- endmacro %}
