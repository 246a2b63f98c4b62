{#- Monthly churn rate per segment (industry x employee band) and over all customers, over the 12
    calendar months ending with the as-of month: customers who churned in a month divided by the
    sum of customers active at the start of each month. A churned customer whose subscriptions
    carry no cancellation date cannot be placed in a month and is left out of numerator and
    denominator alike. A segment with fewer than `min_segment_customers` customers gets no row of
    its own: its accounts use the overall rate (segment_key `all`). -#}

with customers as (

    select
        facts.account_id,
        facts.first_paid_at,
        facts.churned_at,
        firmographics.industry,
        firmographics.employee_band
    from {{ ref('int_accounts__customer_facts') }} as facts
    inner join {{ ref('int_accounts__firmographics') }} as firmographics
        on facts.account_id = firmographics.account_id
    where
        facts.customer_status = 'active'
        or (facts.customer_status = 'churned' and facts.churned_at is not null)

),

months as (

    {%- for offset in range(12) %}
    select {{ dbt.dateadd('month', -offset, icp.month_of(icp.as_of_date())) }} as month_start
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

customer_months as (

    select
        customers.*,
        cast(months.month_start as date) as month_start,
        customers.first_paid_at < months.month_start
        and (customers.churned_at is null or customers.churned_at >= months.month_start)
            as is_active_at_start,
        customers.churned_at >= months.month_start
        and customers.churned_at < {{ dbt.dateadd('month', 1, 'months.month_start') }}
            as churned_in_month
    from customers
    cross join months

),

segment_sizes as (

    select
        industry,
        employee_band,
        count(*) as customers
    from customers
    where industry is not null and employee_band is not null
    group by industry, employee_band

),

by_segment as (

    select
        customer_months.industry,
        customer_months.employee_band,
        segment_sizes.customers,
        count(case when customer_months.churned_in_month then 1 end) as churned_customers,
        count(case when customer_months.is_active_at_start then 1 end) as customer_months
    from customer_months
    inner join segment_sizes
        on
            customer_months.industry = segment_sizes.industry
            and customer_months.employee_band = segment_sizes.employee_band
    where segment_sizes.customers >= {{ var('min_segment_customers') }}
    group by customer_months.industry, customer_months.employee_band, segment_sizes.customers

),

overall as (

    select
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        count(distinct account_id) as customers,
        count(case when churned_in_month then 1 end) as churned_customers,
        count(case when is_active_at_start then 1 end) as customer_months
    from customer_months

),

unioned as (

    select
        'segment' as segment_kind,
        *
    from by_segment
    union all
    select
        'all' as segment_kind,
        *
    from overall

),

final as (

    select
        segment_kind,
        industry,
        employee_band,
        customers,
        churned_customers,
        customer_months,
        case
            when customer_months > 0 then cast(churned_customers as double) / customer_months
        end as monthly_churn_rate
    from unioned

)

select * from final
