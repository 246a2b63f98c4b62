{#- The as-of date of the run: the as_of_date var, else the latest event date in the input (the latest
    invoice, subscription change, opportunity close or spend date), never the wall clock. Event
    dates are read from the raw tables directly, because the quarantine itself needs this date.
    A table, not a view: every base model asks for the date several times, and as a view each
    question re-scanned the raw invoices (at a million accounts that was most of the refresh). -#}
{{ config(materialized='table') }}
{%- set as_of_var = icp.as_of_date_var() -%}
{#- With billing = crm the billing tables are the won deals: their dates are the deals' closes,
    already read, and their cancellations are term ends to come, not events. -#}
{%- set invoices_relation = icp.raw_relation('billing', 'invoices') -%}
{%- set subscriptions_relation = icp.raw_relation('billing', 'subscriptions') -%}
{#- Named whether or not the as-of date is given, so the model's lineage (what dbt parses) does
    not depend on the run's as_of_date var (defs/transform/in_process.py). -#}
{%- set opportunities_relation = icp.raw_relation('crm', 'opportunities') -%}
{%- set spend_relation = icp.raw_relation('spend', 'marketing_spend') -%}
{%- set billing_events = icp.billing_system() != 'crm' -%}

{%- if as_of_var is not none %}

with final as (

    select cast('{{ as_of_var }}' as date) as as_of_date

)

{%- else %}

with
{%- if billing_events %}

invoices as (

    select
        max({{ icp.parse_timestamp(
            icp.clean_text('issued_at'), icp.date_format('billing_invoices')
        ) }}) as event_at
    from {{ invoices_relation }}

),

subscription_starts as (

    select
        max({{ icp.parse_timestamp(
            icp.clean_text('started_at'), icp.date_format('billing_subscriptions')
        ) }}) as event_at
    from {{ subscriptions_relation }}

),

subscription_cancels as (

    select
        max({{ icp.parse_timestamp(
            icp.clean_text('canceled_at'), icp.date_format('billing_subscriptions')
        ) }}) as event_at
    from {{ subscriptions_relation }}

),

{%- endif %}

opportunity_closes as (

    select
        max({{ icp.parse_timestamp(
            icp.clean_text('closed_at'), icp.date_format('crm_opportunities')
        ) }}) as event_at
    from {{ opportunities_relation }}

),

spend as (

    select
        max({{ icp.parse_timestamp(
            icp.clean_text('spend_date'), icp.date_format('marketing_spend')
        ) }}) as event_at
    from {{ spend_relation }}

),

events as (

    select event_at from opportunity_closes
    union all
    select event_at from spend
    {%- if billing_events %}
    union all
    select event_at from invoices
    union all
    select event_at from subscription_starts
    union all
    select event_at from subscription_cancels
    {%- endif %}

),

final as (

    select cast(max(event_at) as date) as as_of_date
    from events

)

{%- endif %}

select * from final
