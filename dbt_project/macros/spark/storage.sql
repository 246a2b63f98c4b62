{#- Where and how tables are written on Spark. These override dbt-spark's own macros of the same
    name (a project's spark__ macro wins the `dbt` dispatch), so no model needs a Spark config. -#}

{#- The format a table is written in unless a model says otherwise: Parquet, which DuckDB and BI
    tools read without Spark; Delta on Databricks (dbt-databricks dispatches to spark__ macros too,
    and a project's spark__ wins over the adapter's own databricks__). -#}
{% macro spark_file_format() -%}
  {{- config.get('file_format', validator=validation.any[basestring])
      or ('delta' if target.type == 'databricks' else 'parquet') -}}
{%- endmacro %}

{% macro spark__file_format_clause() %}
    using {{ icp.spark_file_format() }}
{%- endmacro %}

{#- dbt-spark writes a table at `<location_root>/<table>`. A model's own location_root wins; else
    the published interface (config `meta: {published: true}`: the marts and the reference lookups
    dashboards join) lands at `<warehouse>/<schema>/<table>/`, and every other layer in the private
    build directory `<warehouse>/.icp-build/<schema>/<table>/` (it holds the input's personal data;
    orchestration/engines/ names it and keeps it owner-only). The warehouse is the var
    `icp_spark_warehouse` (what a refresh passes), else ICP_SPARK_WAREHOUSE (a plain dbt run);
    without either, tables are managed (the metastore decides where they live), as on a shared
    cluster. -#}
{% macro spark__location_clause() %}
  {%- set location_root = config.get('location_root', validator=validation.any[basestring]) -%}
  {%- set warehouse = var('icp_spark_warehouse', env_var('ICP_SPARK_WAREHOUSE', '')) -%}
  {%- if location_root is none and warehouse != '' -%}
    {%- set published = (config.get('meta') or {}).get('published', false) -%}
    {%- set root = warehouse.rstrip('/') ~ ('' if published else '/.icp-build') -%}
    {%- set location_root = root ~ '/' ~ model['schema'] -%}
  {%- endif -%}
  {%- if location_root is not none %}
    location {{ icp.spark_literal(location_root ~ '/' ~ model['alias']) }}
  {%- endif %}
{%- endmacro %}

{#- Contracts and seed column types say `varchar` (DuckDB's name); Spark needs `string` (a bare
    `varchar` is an error there). -#}
{% macro spark_type(data_type) -%}
    {{- 'string' if data_type | lower | trim in ('varchar', 'text') else data_type -}}
{%- endmacro %}

{#- The contract check's empty query, with the contract's types in Spark's names. -#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set translated = {} -%}
    {%- for name, column in columns.items() -%}
        {%- set copy = dict(column) -%}
        {%- if column.get('data_type') is not none -%}
            {%- do copy.update({'data_type': icp.spark_type(column['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{% endmacro %}

{#- Column constraints (the contracts' not_null) are enforced only by Delta tables; on Parquet
    dbt-spark's `alter column set not null` is refused, and the not_null tests check them instead.
    dbt-spark decides by `file_format`, defaulting to delta: decide by the format actually written. -#}
{% macro spark__persist_constraints(relation, model) %}
  {%- set contract_config = config.get('contract') -%}
  {% if contract_config.enforced and icp.spark_file_format() == 'delta' %}
    {% do alter_table_add_constraints(relation, model.constraints) %}
    {% do alter_column_set_constraints(relation, model.columns) %}
  {% endif %}
{% endmacro %}

{#- Seeds as literal values. dbt-spark binds them as parameters, and its session method quotes a
    bound value without escaping it (`Côte d'Ivoire` breaks the statement, null becomes 'None').
    The first batch overwrites: dropping a table with a location keeps its files, so a reloaded
    seed would otherwise keep the previous load's rows too. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set batch_size = get_batch_size() -%}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- set data_type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
    {%- do types.append(icp.spark_type(data_type)) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(batch_size) -%}
    {%- set sql -%}
      insert {{ 'overwrite table' if loop.first else 'into' }} {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for value in row -%}
          cast({{ icp.spark_literal(value) }} as {{ types[loop.index0] }})
          {%- if not loop.last %}, {% endif -%}
        {%- endfor -%}){%- if not loop.last %},{% endif %}
      {% endfor -%}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
  {%- endfor -%}
  {%- if not statements -%}
    {%- set sql -%}
      insert overwrite table {{ this.render() }}
      select {% for data_type in types -%}
        cast(null as {{ data_type }}){% if not loop.last %}, {% endif %}
      {%- endfor %} where false
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- do statements.append(sql) -%}
  {%- endif -%}
  {{ return(statements[0]) }}
{% endmacro %}

{#- A Python value as a Spark SQL literal: in Spark string literals a backslash escapes too. -#}
{% macro spark_literal(value) -%}
  {%- if value is none -%}null
  {%- elif value is boolean -%}{{ 'true' if value else 'false' }}
  {%- elif value is number -%}{{ value }}
  {%- else -%}'{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
  {%- endif -%}
{%- endmacro %}

{#- dbt-spark's seed table, with the seed's column types in Spark's names. -#}
{% macro spark__create_csv_table(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
  {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = icp.spark_type(column_override.get(col_name, inferred_type)) -%}
            {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
            {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
  {% endset %}
  {% call statement('_') -%}
    {{ sql }}
  {%- endcall %}
  {{ return(sql) }}
{% endmacro %}
