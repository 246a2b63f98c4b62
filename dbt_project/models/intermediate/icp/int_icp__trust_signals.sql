{#- What the back-test's and discovery's numbers rest on, for the trust warnings of the summary,
    the report and the Dagster metadata:
    - `lifetime_cap`: active customers whose LTV uses the capped lifetime (ltv_max_lifetime_months,
      because their churn rate is 0 or too low), of all customers;
    - `churn_observed`: customers who churned in the churn-rate window (12 months), of all
      customers: zero means every active customer's lifetime is the cap;
    - `capped_suggestion`: per suggested or confirmed value, its best customers whose LTV is capped,
      of its support, and its lift when the best customers are ranked by revenue paid so far
      (`realised_lift`).
    `is_warning` says when a person should be told: some LTV rests on the cap; no churn at all in
    the window; a suggestion most of whose best customers are capped and whose realised lift is
    below discovery_min_lift (its lift comes from the cap, not from what customers paid). -#}

with facts as (

    select * from {{ ref('int_accounts__customer_facts') }}

),

unit_economics as (

    select * from {{ ref('int_accounts__unit_economics') }}

),

churned as (

    select coalesce(max(churned_customers), 0) as churned_customers
    from {{ ref('int_customers__churn_rates') }}
    where segment_kind = 'all'

),

customers as (

    select * from {{ ref('int_icp__discovery_customers') }}
    where population = 'all'

),

traits as (

    select * from {{ ref('int_icp__customer_traits') }}

),

lifts as (

    select * from {{ ref('int_icp__value_lifts') }}
    where population = 'all' and is_suggested

),

realised as (

    select * from {{ ref('int_icp__value_lifts') }}
    where population = 'realised'

),

capped as (

    select
        facts.account_id,
        facts.customer_status = 'active'
        and unit_economics.expected_lifetime_months >= {{ var('ltv_max_lifetime_months') }}
            as is_capped
    from facts
    inner join unit_economics
        on facts.account_id = unit_economics.account_id

),

totals as (

    select
        count(*) as customers,
        count(case when is_capped then 1 end) as capped_customers
    from capped

),

suggestion_support as (

    select
        lifts.attribute,
        lifts.value,
        lifts.value_key,
        lifts.support,
        lifts.lift,
        count(case when capped.is_capped then 1 end) as capped_support
    from lifts
    inner join traits
        on
            lifts.attribute = traits.attribute
            and lifts.value_key = traits.value_key
    inner join customers
        on
            traits.account_id = customers.account_id
            and customers.is_best_customer
    inner join capped
        on traits.account_id = capped.account_id
    group by lifts.attribute, lifts.value, lifts.value_key, lifts.support, lifts.lift

),

signals as (

    select
        'lifetime_cap' as signal,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        totals.capped_customers as customers,
        totals.customers as of_customers,
        cast(null as double) as lift,
        cast(null as double) as realised_lift,
        totals.capped_customers > 0 as is_warning
    from totals
    union all
    select
        'churn_observed' as signal,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        churned.churned_customers as customers,
        totals.customers as of_customers,
        cast(null as double) as lift,
        cast(null as double) as realised_lift,
        churned.churned_customers = 0 and totals.customers > 0 as is_warning
    from totals
    cross join churned
    union all
    select
        'capped_suggestion' as signal,
        suggestion_support.attribute,
        suggestion_support.value,
        suggestion_support.capped_support as customers,
        suggestion_support.support as of_customers,
        suggestion_support.lift,
        realised.lift as realised_lift,
        -- Most of its best customers capped, and not a suggestion on revenue paid.
        suggestion_support.capped_support > 0.5 * suggestion_support.support
        and coalesce(realised.lift, 0) < {{ var('discovery_min_lift') }} as is_warning
    from suggestion_support
    left join realised
        on
            suggestion_support.attribute = realised.attribute
            and suggestion_support.value_key = realised.value_key

),

final as (

    select * from signals

)

select * from final
