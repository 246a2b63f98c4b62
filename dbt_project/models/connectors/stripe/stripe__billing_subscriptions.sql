{#- billing_subscriptions from Stripe `subscription` and/or `subscription_history` (current rows;
    a subscription in both is read from `subscription`, its history row is then a repeated key),
    with MRR over its items: quantity x the unit amount of the item's price (`price`, else the
    older `plan`), made monthly by the price's interval, in the price's currency (connectors.md). -#}
{%- set subscription = source('stripe', 'subscription') -%}
{%- set subscription_history = source('stripe', 'subscription_history') -%}
{%- set subscription_item = source('stripe', 'subscription_item') -%}
{%- set price = source('stripe', 'price') -%}
{%- set plan = source('stripe', 'plan') -%}
{%- set subscription_columns = ['id', 'customer_id', 'status', 'start_date', 'created', 'canceled_at', 'ended_at'] -%}
{%- if not icp.connector_active('stripe') %}
{{ icp.no_rows('billing', 'subscriptions') }}
{%- else %}

with subscriptions as (

    {%- for relation, table in [(subscription, 'subscription'), (subscription_history, 'subscription_history')] %}
    select
        {{ loop.index }} as table_order,
        {{ icp.row_order(relation) }} as row_order,
        {{ icp.drop_reason('stripe', table, 'rows') }} as _drop_reason,
        {%- for column in subscription_columns %}
        {{ icp.clean_text('rows.' ~ column) }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }} as rows
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

prices as (

    select price_id, unit_amount, currency, price_interval, interval_count, nickname
    from (
        select
            prices.*,
            row_number() over (partition by price_id order by table_order) as price_order
        from (
            select
                1 as table_order,
                {{ icp.clean_text('id') }} as price_id,
                {{ icp.parse_integer(icp.clean_text('unit_amount')) }} as unit_amount,
                upper({{ icp.clean_text('currency') }}) as currency,
                {{ icp.normalize_enum('recurring_interval') }} as price_interval,
                {{ icp.parse_integer(icp.clean_text('recurring_interval_count')) }} as interval_count,
                {{ icp.clean_text('nickname') }} as nickname
            from {{ price }} as price_rows
            where {{ icp.drop_reason('stripe', 'price', 'price_rows') }} is null
            union all
            select
                2 as table_order,
                {{ icp.clean_text('id') }},
                {{ icp.parse_integer(icp.clean_text('amount')) }},
                upper({{ icp.clean_text('currency') }}),
                {{ icp.normalize_enum('interval') }},
                {{ icp.parse_integer(icp.clean_text('interval_count')) }},
                {{ icp.clean_text('nickname') }}
            from {{ plan }} as plan_rows
            where {{ icp.drop_reason('stripe', 'plan', 'plan_rows') }} is null
        ) as prices
    ) as ranked
    where price_order = 1

),

items as (

    select
        {{ icp.clean_text('id') }} as item_id,
        {{ icp.clean_text('subscription_id') }} as subscription_id,
        {{ icp.clean_text('plan_id') }} as price_id,
        coalesce({{ icp.parse_integer(icp.clean_text('quantity')) }}, 1) as quantity
    from {{ subscription_item }}

),

item_mrr as (

    select
        items.subscription_id,
        items.item_id,
        items.price_id,
        prices.nickname,
        prices.currency,
        cast(
            items.quantity * prices.unit_amount
            * case prices.price_interval when 'week' then 52 when 'day' then 365 else 1 end
            / (coalesce(prices.interval_count, 1)
                * case prices.price_interval when 'month' then 1 when 'year' then 12
                    when 'week' then 12 when 'day' then 12 end)
            as decimal(38, 6)
        ) as monthly_minor_units,
        row_number() over (partition by items.subscription_id order by items.item_id) as item_order
    from items
    left join prices
        on items.price_id = prices.price_id

),

subscription_mrr as (

    select
        subscription_id,
        max(case when item_order = 1 then coalesce(nickname, price_id) end) as plan,
        max(case when item_order = 1 then currency end) as currency,
        {#- A null when any item has no usable price: the row is then rejected, never understated. #}
        case when count(*) = count(monthly_minor_units) then sum(monthly_minor_units) end
            as monthly_minor_units
    from item_mrr
    group by subscription_id

),

statused as (

    select
        subscriptions.*,
        case {{ icp.normalize_enum('subscriptions.status') }}
            when 'active' then 'active'
            when 'past_due' then 'past_due'
            when 'unpaid' then 'past_due'
            when 'canceled' then 'canceled'
            when 'incomplete_expired' then 'canceled'
            when 'trialing' then 'trialing'
            when 'incomplete' then 'trialing'
            when 'paused' then 'trialing'
            else subscriptions.status
        end as mapped_status
    from subscriptions

),

final as (

    select
        row_number() over (order by statused.table_order, statused.row_order) as _row_number,
        statused._drop_reason,
        statused.id as subscription_id,
        statused.customer_id,
        subscription_mrr.plan,
        statused.mapped_status as status,
        {{ icp.connector_timestamp('coalesce(statused.start_date, statused.created)') }} as started_at,
        case when statused.mapped_status = 'canceled' then
            {{ icp.connector_timestamp('coalesce(statused.ended_at, statused.canceled_at)') }}
        end as canceled_at,
        {{ icp.decimal_text(
            'subscription_mrr.monthly_minor_units / ' ~ icp.stripe_minor_units('subscription_mrr.currency')
        ) }} as mrr,
        subscription_mrr.currency
    from statused
    left join subscription_mrr
        on statused.id = subscription_mrr.subscription_id

)

select * from final
{%- endif %}
